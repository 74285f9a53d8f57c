-- Demo data generator for the rescue-dog schema (schema.sql must have been run first).
--
--   SET ferry.scale = '0.01';          -- optional, default 1; fractions allowed
--   <this file>                        -- plain SQL: runs as one multi-statement query or via psql -f
--
-- scale 1 gives 150 organizations, 300,000 animals (skewed over organizations, ~1-1.5 kB a row with
-- three jsonb documents), 30,000 scrape_logs and ~1,000 service_regions; counts scale linearly
-- (never fewer than 2 organizations and 1 row per table).
--
-- Deterministic: every "random" choice is a hash of (row number, salt) via hashint8extended(), and all
-- times are offsets from a fixed reference timestamp. Unlike random()+setseed(), this does not depend
-- on the order in which the executor happens to visit rows, so a different plan gives the same data.
-- Intervals are whole seconds (no day parts) and timestamps inside jsonb are written in UTC, so the
-- session's TimeZone does not change the data either.
-- Ids are assigned explicitly (ordered by creation time), then the sequences are moved past them.
--
-- Fast: everything is set-based INSERT ... SELECT over generate_series; the helper functions are
-- one-line SQL functions that the planner inlines; the big jsonb documents come from pre-built pools;
-- the secondary indexes and constraints of animals are dropped for the load and rebuilt afterwards.
-- One transaction, so a failed load leaves nothing half-done (indexes included). Helpers live in
-- pg_temp and are dropped at the end.
-- External ids use three per-organization formats ('123456', 'dog-123', 'A10000123'); mutate.sql uses
-- the prefix 'N', so its new rows can never collide with generated ones.

BEGIN;
SET LOCAL client_min_messages = warning;
SET LOCAL jit = off;          -- compiling these wide expressions costs more than it saves

-- ---------------------------------------------------------------- helpers (session-local)
-- u(k, salt): uniform float in [0, 1), from the low 53 bits of a 64-bit hash.
CREATE OR REPLACE FUNCTION pg_temp.u(k bigint, salt int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (hashint8extended(k, salt) & 9007199254740991)::float8 / 9007199254740992 $$;
-- n(k, salt, lo, hi): uniform integer in [lo, hi].
CREATE OR REPLACE FUNCTION pg_temp.n(k bigint, salt int, lo int, hi int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT lo + floor(pg_temp.u(k, salt) * (hi - lo + 1))::int $$;
-- pick(k, salt, arr): one element of arr (repeat an element to weight it).
CREATE OR REPLACE FUNCTION pg_temp.pick(k bigint, salt int, arr anyarray) RETURNS anyelement
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT arr[1 + floor(pg_temp.u(k, salt) * cardinality(arr))::int] $$;
-- some(k, salt, arr, maxlen): a contiguous slice of 0..maxlen elements (cheap "random subset").
CREATE OR REPLACE FUNCTION pg_temp.some(k bigint, salt int, arr anyarray, maxlen int) RETURNS anyarray
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT arr[pg_temp.n(k, salt, 1, cardinality(arr)) :
                     pg_temp.n(k, salt, 1, cardinality(arr)) + pg_temp.n(k, salt + 1, 0, maxlen) - 1] $$;

-- iso(ts): ISO-8601 text in UTC, for timestamps inside jsonb (to_jsonb(timestamptz) would follow the
-- session's TimeZone and make the documents differ between sessions).
CREATE OR REPLACE FUNCTION pg_temp.iso(ts timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00' $$;

-- ---------------------------------------------------------------- parameters
CREATE TEMP TABLE gen_params ON COMMIT DROP AS
SELECT s                                  AS scale,
       greatest(2, round(150 * s))::int    AS n_orgs,
       greatest(1, round(300000 * s))::int AS n_animals,
       greatest(1, round(30000 * s))::int  AS n_logs,
       least(1000, greatest(1, round(300000 * s)))::int  AS n_prop_pool,  -- per home country
       least(12000, greatest(1, round(300000 * s)))::int AS n_prof_pool,
       timestamptz '2025-06-01 00:00:00+00' AS ref        -- "now" of the generated world
FROM (SELECT coalesce(nullif(current_setting('ferry.scale', true), '')::numeric, 1) AS s) x;

DO $$
BEGIN
    IF (SELECT scale FROM gen_params) <= 0 THEN
        RAISE EXCEPTION 'ferry.scale must be > 0 (got %)', (SELECT scale FROM gen_params);
    END IF;
END $$;

-- Start from empty tables so ids and contents are always the same.
TRUNCATE service_regions, scrape_logs, animals, organizations RESTART IDENTITY;

-- ---------------------------------------------------------------- vocabulary
-- Home countries of the organizations: slug for config_id, local display name (unicode), ISO code,
-- and cities for the dogs' locations.
CREATE TEMP TABLE gen_country (k int, slug text, display text, code text, cities text[]) ON COMMIT DROP;
INSERT INTO gen_country VALUES
 (0,  'greece',   'Ελλάδα',             'GR', '{Athens,Thessaloniki,Πάτρα,Heraklion,Volos}'),
 (1,  'romania',  'România',            'RO', '{Bucharest,Constanța,Brașov,Cluj-Napoca,Iași}'),
 (2,  'spain',    'España',             'ES', '{Madrid,Sevilla,Málaga,Valencia,"A Coruña"}'),
 (3,  'cyprus',   'Κύπρος',             'CY', '{Limassol,Nicosia,Larnaca,Paphos}'),
 (4,  'bulgaria', 'България',           'BG', '{Sofia,Plovdiv,Varna,Бургас}'),
 (5,  'portugal', 'Portugal',           'PT', '{Lisboa,Porto,Faro,Coimbra}'),
 (6,  'italy',    'Italia',             'IT', '{Roma,Napoli,Palermo,Bari,"Reggio Calabria"}'),
 (7,  'turkey',   'Türkiye',            'TR', '{İstanbul,Ankara,İzmir,Antalya}'),
 (8,  'bosnia',   'Bosna i Hercegovina','BA', '{Sarajevo,"Banja Luka",Mostar,Tuzla}'),
 (9,  'serbia',   'Србија',             'RS', '{Beograd,"Novi Sad",Niš}'),
 (10, 'ukraine',  'Україна',            'UA', '{Kyiv,Lviv,Odesa,Харків}'),
 (11, 'ireland',  'Éire',               'IE', '{Dublin,Cork,Galway,Limerick}');

-- Sentences for descriptions: 12 openers x 10 middles x 10 endings = 1,200 combinations,
-- some in other languages / with quotes, apostrophes and non-ASCII symbols.
CREATE TEMP TABLE gen_sentence ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY a.k, b.k, c.k)::int AS k, a.t || ' ' || b.t || ' ' || c.t AS txt
FROM unnest(ARRAY['This sweet girl', 'Our boy', 'This gentle giant', 'A shy little soul', 'This happy pup',
                  'Our senior friend', 'Η μικρή μας', 'Dieser Schatz', 'Esta preciosidad', 'Acest cățel',
                  'This "velcro dog"', 'Everyone''s favourite']) WITH ORDINALITY a(t, k),
     unnest(ARRAY['loves long walks', 'is great with kids', 'needs a calm home', 'was found on the street',
                  'has spent two years in the shelter', 'adores belly rubs', 'is learning to walk on a lead',
                  'gets along with cats', 'is a bit shy at first', 'enjoys car rides']) WITH ORDINALITY b(t, k),
     unnest(ARRAY['and is ready for a forever home.', 'and dreams of a sofa of her own.',
                  '— can you give him a chance?', 'and would thrive with an experienced adopter.',
                  'and is vaccinated, chipped & neutered.', 'and travels with an EU pet passport.',
                  'and won''t stop wagging!', 'and is looking for "their people".', '(adoption fee: 250 €).',
                  'and already knows "sit" & "paw".']) WITH ORDINALITY c(t, k);

-- 3,000 paragraphs of 1-4 sentences (roughly 70-330 characters).
CREATE TEMP TABLE gen_paragraph ON COMMIT DROP AS
SELECT p AS k, string_agg(s.txt, ' ' ORDER BY j) AS txt
FROM generate_series(1, 3000) AS p
CROSS JOIN LATERAL generate_series(1, pg_temp.n(p, 1, 1, 4)) AS j
JOIN gen_sentence s ON s.k = pg_temp.n(p * 8 + j, 2, 1, 1200)
GROUP BY p;
ANALYZE gen_country, gen_sentence, gen_paragraph;

-- ---------------------------------------------------------------- organizations
-- config_id = adjective-noun-country; (o-1)*389 mod 960 walks all 10*8*12 combinations without
-- repeats (389 is coprime to 960); past 960 organizations a numeric suffix keeps it unique.
INSERT INTO organizations (id, config_id, name, website_url, social_media, ships_to, active, created_at, updated_at)
SELECT o.o,
       o.cfg,
       CASE WHEN pg_temp.u(o.o, 10) < 0.03 THEN NULL
            WHEN pg_temp.u(o.o, 10) < 0.13 THEN 'Friends of "' || o.title || '"'
            WHEN pg_temp.u(o.o, 10) < 0.23 THEN o.title || ' e.V.'
            WHEN pg_temp.u(o.o, 10) < 0.28 THEN 'St. Francis'' ' || o.title
            ELSE o.title END,
       CASE WHEN pg_temp.u(o.o, 11) < 0.05 THEN NULL ELSE 'https://www.' || o.cfg || '.org' END,
       CASE WHEN pg_temp.u(o.o, 12) < 0.05 THEN NULL   -- some have no socials at all, some an empty object
            ELSE jsonb_strip_nulls(jsonb_build_object(
                'facebook',  CASE WHEN pg_temp.u(o.o, 13) < 0.85 THEN 'https://facebook.com/' || o.cfg END,
                'instagram', CASE WHEN pg_temp.u(o.o, 14) < 0.60 THEN 'https://instagram.com/' || replace(o.cfg, '-', '_') END,
                'tiktok',    CASE WHEN pg_temp.u(o.o, 15) < 0.15 THEN 'https://tiktok.com/@' || replace(o.cfg, '-', '') END,
                'email',     CASE WHEN pg_temp.u(o.o, 16) < 0.70 THEN 'adopt@' || o.cfg || '.org' END,
                'donations', CASE WHEN pg_temp.u(o.o, 17) < 0.30 THEN jsonb_build_object(
                                 'paypal', 'donate@' || o.cfg || '.org',
                                 'iban', 'DE' || lpad(((hashint8extended(o.o, 18) & 4294967295) % 100000000)::text, 8, '0'),
                                 'teaming', pg_temp.u(o.o, 19) < 0.5) END))
            END,
       CASE WHEN pg_temp.u(o.o, 20) < 0.05 THEN NULL
            WHEN pg_temp.u(o.o, 20) < 0.10 THEN '{}'::text[]
            -- one destination needs quoting in array syntax (spaces, dash, non-ASCII)
            ELSE pg_temp.some(o.o, 21, ARRAY['DE','NL','BE','AT','CH','GB','IE','FR','DK','SE','FI','NO','LU',
                                             'UK – Northern Ireland','IT','CZ'], 6) END,
       CASE WHEN pg_temp.u(o.o, 23) < 0.02 THEN NULL ELSE pg_temp.u(o.o, 24) < 0.92 END,
       o.created,
       least(p.ref, o.created + make_interval(secs => 86400 * pg_temp.n(o.o, 25, 0, 400) + pg_temp.n(o.o, 26, 0, 86399)))
FROM gen_params p,
LATERAL (
    SELECT g.o,
           a.adj || '-' || n.noun || '-' || c.slug || CASE WHEN g.o > 960 THEN '-' || ((g.o - 1) / 960 + 1) ELSE '' END AS cfg,
           initcap(replace(a.adj, '-', ' ')) || ' ' || initcap(n.noun) || ' ' || c.display AS title,
           p.ref - make_interval(secs => 86400 * pg_temp.n(g.o, 27, 300, 2500) + pg_temp.n(g.o, 28, 0, 86399)) AS created
    FROM generate_series(1, p.n_orgs) AS g(o)
    CROSS JOIN LATERAL (SELECT ((g.o - 1) * 389) % 960 AS c) m
    JOIN (SELECT * FROM unnest(ARRAY['happy','brave','lucky','gentle','golden','little','second-chance',
                                      'sunny','silver','noble']) WITH ORDINALITY x(adj, k)) a ON a.k = m.c % 10 + 1
    JOIN (SELECT * FROM unnest(ARRAY['paws','tails','hearts','hounds','friends','souls','noses',
                                      'whiskers']) WITH ORDINALITY x(noun, k)) n ON n.k = (m.c / 10) % 8 + 1
    JOIN gen_country c ON c.k = m.c / 80
) o;

-- Per-organization attributes the other tables need. rnk is a hash-shuffled rank so that the big
-- organizations (small rnk, see the skew below) are spread over the id range.
CREATE TEMP TABLE gen_org ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY pg_temp.u(o.id, 30), o.id)::int AS rnk,
       o.id, o.config_id, o.website_url, o.created_at,
       c.k AS ck, c.code AS home, c.cities,
       pg_temp.n(o.id, 31, 0, 2) AS id_style
FROM organizations o
JOIN gen_country c ON c.k = ((o.id - 1) * 389) % 960 / 80;   -- same arithmetic as config_id above
ANALYZE gen_org;

-- ---------------------------------------------------------------- service_regions
-- The home country always, plus each of 24 countries with p = 0.25 (~7 rows per organization).
INSERT INTO service_regions (id, organization_id, country, region, active, created_at)
SELECT row_number() OVER (ORDER BY o.id, c.k),
       o.id,
       c.code,
       CASE WHEN pg_temp.u(o.id * 32 + c.k, 41) < 0.35 THEN NULL
            ELSE pg_temp.pick(o.id * 32 + c.k, 42, ARRAY['Nationwide','North','South','East','West','Central',
                 'Metro area','Île-de-France','Baden-Württemberg','Κρήτη','Provence-Alpes-Côte d''Azur',
                 'Skåne','Dublin & Leinster']) END,
       CASE WHEN pg_temp.u(o.id * 32 + c.k, 43) < 0.02 THEN NULL ELSE pg_temp.u(o.id * 32 + c.k, 44) < 0.9 END,
       o.created_at + make_interval(secs => 86400 * pg_temp.n(o.id * 32 + c.k, 45, 0, 200))
FROM gen_org o
CROSS JOIN unnest(ARRAY['DE','GB','IE','NL','BE','AT','CH','FR','DK','SE','FI','NO','ES','PT','IT','RO',
                        'BG','GR','CY','HR','PL','CZ','US','CA']) WITH ORDINALITY AS c(code, k)
WHERE c.code = o.home OR pg_temp.u(o.id * 32 + c.k, 40) < 0.25;

-- ---------------------------------------------------------------- animals
-- Building jsonb costs roughly half a microsecond per key, and at ~45 keys a dog that was most of
-- the load time. So the two big documents come from pools built once: properties per home country
-- (so the location fits the organization), LLM profiles shared by all. Each pool holds up to
-- 12,000 documents (1,000 per country for properties), and is as large as the table at small
-- scales, so documents only repeat at larger scales.
SET LOCAL work_mem = '64MB';  -- keeps the pool hash tables in memory

-- properties: what the scraper extracted
CREATE TEMP TABLE gen_props ON COMMIT DROP AS
SELECT c.k AS ck, slot, jsonb_build_object(
           'description', d.txt,
           'size',        pg_temp.pick(h, 221, ARRAY['Tiny','Small','Medium','Medium','Large','XLarge']),
           'weight_kg',   CASE WHEN pg_temp.u(h, 222) < 0.05 THEN NULL        -- JSON null, not a missing key
                               ELSE round((3 + 42 * pg_temp.u(h, 223))::numeric, 1) END,
           'height_cm',   pg_temp.n(h, 224, 20, 75),
           'coat',        pg_temp.pick(h, 225, ARRAY['short','medium','long','wire','curly']),
           'color',       pg_temp.pick(h, 226, ARRAY['black','brown','white','tan','brindle','grey','black & white',
                                                     'golden','red','tricolour']),
           'good_with',   jsonb_build_object(
                              'dogs',     pg_temp.pick(h, 227, ARRAY['yes','yes','no','selective','unknown']),
                              'cats',     pg_temp.pick(h, 228, ARRAY['yes','no','untested','unknown']),
                              'children', pg_temp.pick(h, 229, ARRAY['yes','no','older children','unknown'])),
           'health',      jsonb_build_object(
                              'vaccinated',   pg_temp.u(h, 230) < 0.9,
                              'neutered',     pg_temp.u(h, 231) < 0.7,
                              'microchipped', pg_temp.u(h, 232) < 0.85,
                              'conditions',   to_jsonb(CASE WHEN pg_temp.u(h, 233) < 0.8 THEN '{}'::text[]
                                                  ELSE pg_temp.some(h, 234, ARRAY['leishmania (treated)',
                                                       'ehrlichia','three legs','blind in one eye','hip dysplasia',
                                                       'heartworm negative','deaf'], 2) END)),
           'location',    jsonb_build_object(
                              'city',      pg_temp.pick(h, 235, c.cities),
                              'country',   c.code,
                              'in_foster', pg_temp.u(h, 236) < 0.3),
           'tags',        to_jsonb(pg_temp.some(h, 237, ARRAY['house-trained','crate-trained','leash-trained',
                              'special-needs','senior','bonded-pair','urgent','long-stay','cat-friendly',
                              'ready-to-travel'], 3)),
           'source_language', pg_temp.pick(h, 239, ARRAY['en','en','de','es','ro','el','it'])) AS doc
FROM gen_params p
CROSS JOIN gen_country c
CROSS JOIN generate_series(1, p.n_prop_pool) AS slot
CROSS JOIN LATERAL (SELECT c.k * 1000003::bigint + slot AS h) hk
JOIN gen_paragraph d ON d.k = pg_temp.n(h, 110, 1, 3000);

-- dog_profiler_data: the LLM profile (profiled_at is added per dog)
CREATE TEMP TABLE gen_profile ON COMMIT DROP AS
SELECT slot, jsonb_build_object(
           'tagline',             s1.txt,
           'description',         d.txt,
           'personality_traits',  to_jsonb(pg_temp.some(slot, 251, ARRAY['gentle','playful','loyal','curious','calm',
                                      'shy','smart','affectionate','independent','goofy','brave'], 4)),
           'energy_level',        pg_temp.pick(slot, 253, ARRAY['low','medium','high','very_high']),
           'trainability',        pg_temp.pick(slot, 254, ARRAY['easy','moderate','challenging']),
           'sociability',         pg_temp.pick(slot, 255, ARRAY['reserved','moderate','social','very_social']),
           'confidence',          pg_temp.pick(slot, 256, ARRAY['shy','moderate','confident']),
           'experience_level',    pg_temp.pick(slot, 257, ARRAY['first_time_ok','some_experience','experienced_only']),
           'home_type',           pg_temp.pick(slot, 258, ARRAY['apartment_ok','house_preferred','house_required']),
           'favorite_activities', to_jsonb(pg_temp.some(slot, 259, ARRAY['walks','fetch','swimming','cuddles','hiking',
                                      'sniffing','tug','zoomies','napping'], 3)),
           'confidence_scores',   jsonb_build_object(
                                      'energy_level', round(pg_temp.u(slot, 261)::numeric, 2),
                                      'trainability', round(pg_temp.u(slot, 262)::numeric, 2),
                                      'sociability',  round(pg_temp.u(slot, 263)::numeric, 2)),
           'model_used',          pg_temp.pick(slot, 264, ARRAY['gpt-4o-mini','claude-3-haiku','llama-3-70b']),
           'prompt_version',      '1.' || pg_temp.n(slot, 265, 0, 3) || '.0',
           'quality_score',       round(pg_temp.u(slot, 267)::numeric, 3)) AS doc
FROM gen_params p
CROSS JOIN generate_series(1, p.n_prof_pool) AS slot
JOIN gen_paragraph d ON d.k = pg_temp.n(slot, 111, 1, 3000)
JOIN gen_sentence s1 ON s1.k = pg_temp.n(slot, 112, 1, 1200);
ANALYZE gen_props, gen_profile;

-- Bulk-load trick (as pg_restore does it): drop the secondary indexes and the UNIQUE / FOREIGN KEY
-- constraints of animals, insert, then re-create them from their saved definitions. Building an index
-- (the GIN index above all) in one pass, and checking the foreign key with one join, costs a fraction
-- of maintaining them row by row. The primary key stays.
CREATE TEMP TABLE gen_saved_ddl ON COMMIT DROP AS
SELECT 1 AS step, 'DROP INDEX ' || i.indexrelid::regclass AS drop_ddl, pg_get_indexdef(i.indexrelid) AS create_ddl
FROM pg_index i
WHERE i.indrelid = 'animals'::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
UNION ALL
SELECT CASE c.contype WHEN 'u' THEN 2 ELSE 3 END,
       format('ALTER TABLE animals DROP CONSTRAINT %I', c.conname),
       format('ALTER TABLE animals ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.conrelid = 'animals'::regclass AND c.contype IN ('u', 'f');

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT drop_ddl FROM gen_saved_ddl ORDER BY step DESC, drop_ddl LOOP
        EXECUTE r.drop_ddl;
    END LOOP;
END $$;

-- Inner query: narrow per-dog basics (organization rank, ages) numbered by creation time; the outer
-- query builds the wide row. Skew: rank = n_orgs * u^2.2, so the largest organization holds ~10 %
-- of all dogs and the smallest well under 1 %.
INSERT INTO animals (id, organization_id, external_id, name, breed, sex, age_text, status, adoption_url,
                     primary_image_url, properties, dog_profiler_data, adoption_check_data,
                     availability_confidence, last_seen_at, created_at, updated_at)
SELECT a.id,
       o.id,
       x.ext,
       CASE WHEN pg_temp.u(a.i, 201) < 0.005 THEN NULL
            ELSE pg_temp.pick(a.i, 202, ARRAY['Bella','Luna','Max','Charlie','Lucy','Cooper','Daisy','Milo',
                 'Rocky','Bruno','Nala','Kira','Lola','Toby','Rex','Zeus','Maya','Coco','Leo','Oscar','Ruby',
                 'Teddy','Sasha','Bobby','Balu','Simba','Frida','Paco','Chispa','Canela','Lupo','Greta','Benji',
                 'Pepa','Duke','Ziggy','Molly','Rosie','Bonnie','Buddy','Zoë','Björn','Niño','Çiçek','Μέλι',
                 'Άρης','Лайка','Шарик','Ionuț','Ștefi','Pénélope','D''Artagnan','O''Malley','Mr. "Biscuit"',
                 'Señor Bigotes','Café','Łatka','🐾 Peanut'])
                 || CASE WHEN pg_temp.u(a.i, 203) < 0.04 THEN ' & ' || pg_temp.pick(a.i, 204, ARRAY['Luna','Max','Nala','Toby'])
                         ELSE '' END
       END,
       CASE WHEN pg_temp.u(a.i, 205) < 0.03 THEN NULL
            ELSE pg_temp.pick(a.i, 206, ARRAY['Mixed breed','Mixed breed','Mixed breed','Labrador Retriever mix',
                 'German Shepherd','Podenco Andaluz','Galgo Español','Mastín Español','Staffordshire Bull Terrier',
                 'Jack Russell Terrier','Border Collie','Beagle mix','Husky mix','English Pointer','Setter mix',
                 'Chihuahua','Dachshund mix','Greyhound','Belgian Malinois','Carpatin (Romanian Shepherd)',
                 'Ελληνικός Ποιμενικός','Kangal','Cocker Spaniel','Terrier mix','Labrador "Lab" cross']) END,
       CASE WHEN pg_temp.u(a.i, 207) < 0.02 THEN NULL
            ELSE pg_temp.pick(a.i, 208, ARRAY['Male','Female','Male','Female','Unknown']) END,
       CASE WHEN pg_temp.u(a.i, 209) < 0.05 THEN NULL
            WHEN pg_temp.u(a.i, 209) < 0.25 THEN pg_temp.n(a.i, 210, 2, 11) || ' months'
            WHEN pg_temp.u(a.i, 209) < 0.30 THEN 'Puppy'
            WHEN pg_temp.u(a.i, 209) < 0.36 THEN 'Senior (10+)'
            WHEN pg_temp.u(a.i, 209) < 0.40 THEN pg_temp.n(a.i, 210, 1, 8) || ' ½ years'
            WHEN pg_temp.u(a.i, 209) < 0.55 THEN 'approx. ' || pg_temp.n(a.i, 210, 1, 12) || ' years'
            ELSE pg_temp.n(a.i, 210, 1, 14) || ' years' END,
       a.status,
       o.website_url || '/adopt/' || x.ext,
       CASE WHEN pg_temp.u(a.i, 211) < 0.04 THEN NULL
            ELSE 'https://images.rescuedogs.example/' || o.config_id || '/' || to_hex(hashint8extended(a.i, 212)) || '.jpg' END,
       -- properties: a pooled document for the organization's country (a few rows have none at all)
       CASE WHEN pg_temp.u(a.i, 220) < 0.005 THEN NULL ELSE pp.doc END,
       -- dog_profiler_data: a pooled LLM profile stamped with its own profiled_at, for ~65 %
       CASE WHEN pg_temp.u(a.i, 250) < 0.35 THEN NULL
            ELSE jsonb_set(pf.doc, '{profiled_at}', to_jsonb(pg_temp.iso(a.upd - make_interval(hours => pg_temp.n(a.i, 266, 1, 72)))))
       END,
       -- adoption_check_data: last status check, for ~50 %; a few hold a JSON 'null' document
       -- (what a Python app writes for None) as opposed to SQL NULL
       CASE WHEN pg_temp.u(a.i, 270) < 0.001 THEN 'null'::jsonb
            WHEN pg_temp.u(a.i, 270) < 0.5 THEN NULL
            ELSE jsonb_build_object(
                'checked_at',  pg_temp.iso(a.upd + make_interval(mins => pg_temp.n(a.i, 271, 5, 600))),
                'status',      coalesce(a.status, 'unknown'),
                'evidence',    pg_temp.pick(a.i, 272, ARRAY['Page shows "Reserved" badge', 'Button "Adopt me" present',
                                   'Listing removed (HTTP 404)', 'Text «Adoptado» found', 'No status marker; assumed available',
                                   'Ο σκύλος υιοθετήθηκε']),
                'confidence',  round(pg_temp.u(a.i, 273)::numeric, 2),
                'http_status', pg_temp.pick(a.i, 274, ARRAY[200,200,200,200,301,404]),
                'redirect',    CASE WHEN pg_temp.u(a.i, 275) < 0.1 THEN o.website_url || '/adopted' END)
       END,
       CASE WHEN pg_temp.u(a.i, 280) < 0.05 THEN NULL
            WHEN a.status = 'available' THEN round((0.6 + 0.4 * pg_temp.u(a.i, 281))::numeric, 3)
            ELSE round((0.6 * pg_temp.u(a.i, 281))::numeric, 3) END,
       CASE WHEN pg_temp.u(a.i, 282) < 0.01 THEN NULL
            ELSE least(a.ref, a.upd + make_interval(mins => pg_temp.n(a.i, 283, 0, 2880))) END,
       a.cre,
       a.upd
FROM (
    SELECT row_number() OVER (ORDER BY b.cre, b.i) AS id, b.*
    FROM (
        SELECT g.i, p.ref, p.n_prop_pool, p.n_prof_pool,
               1 + floor(p.n_orgs * power(pg_temp.u(g.i, 101), 2.2))::int AS org_rnk,
               p.ref - make_interval(secs => t.age_s)                                   AS cre,
               -- most dogs were touched by a recent scrape, so updated_at crowds towards ref
               p.ref - make_interval(secs => floor(t.age_s * power(pg_temp.u(g.i, 103), 4))) AS upd,
               CASE WHEN pg_temp.u(g.i, 104) < 0.72 THEN 'available'
                    WHEN pg_temp.u(g.i, 104) < 0.80 THEN 'reserved'
                    WHEN pg_temp.u(g.i, 104) < 0.92 THEN 'adopted'
                    WHEN pg_temp.u(g.i, 104) < 0.97 THEN 'unknown' END                  AS status
        FROM gen_params p
        CROSS JOIN generate_series(1, p.n_animals) AS g(i)
        CROSS JOIN LATERAL (SELECT floor(power(pg_temp.u(g.i, 102), 1.5) * 720 * 86400) AS age_s) t
    ) b
) a
JOIN gen_org o        ON o.rnk = a.org_rnk
JOIN gen_props pp     ON pp.ck = o.ck AND pp.slot = pg_temp.n(a.i, 120, 1, a.n_prop_pool)
JOIN gen_profile pf   ON pf.slot = pg_temp.n(a.i, 121, 1, a.n_prof_pool)
CROSS JOIN LATERAL (SELECT CASE o.id_style WHEN 0 THEN (100000 + a.i)::text
                                           WHEN 1 THEN 'dog-' || a.i
                                           ELSE 'A' || (10000000 + a.i) END AS ext) x;

-- re-create what was dropped above: indexes, then UNIQUE, then FOREIGN KEY constraints
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT create_ddl FROM gen_saved_ddl ORDER BY step, create_ddl LOOP
        EXECUTE r.create_ddl;
    END LOOP;
END $$;

-- ---------------------------------------------------------------- scrape_logs
-- Runs spread over the year before ref, ids in start order. Most succeed; errors carry a message
-- (quotes, unicode); ~2 % never finished ('running': no end time, duration, counts or metrics).
INSERT INTO scrape_logs (id, organization_id, started_at, completed_at, animals_found, animals_added,
                         animals_updated, status, error_message, duration_seconds, detailed_metrics)
SELECT row_number() OVER (ORDER BY l.started, l.i),
       l.org,
       l.started,
       CASE WHEN l.status <> 'running' THEN l.started + make_interval(secs => l.dur) END,
       CASE WHEN l.status <> 'running' THEN pg_temp.n(l.i, 302, 0, 400) END,
       CASE WHEN l.status <> 'running' THEN pg_temp.n(l.i, 303, 0, 25) END,
       CASE WHEN l.status <> 'running' THEN pg_temp.n(l.i, 304, 0, 80) END,
       l.status,
       CASE WHEN l.status IN ('error', 'partial') THEN pg_temp.pick(l.i, 305, ARRAY[
                'Timeout after 60s waiting for selector "div.dog-card"',
                'HTTP 503 Service Unavailable from /adopt?page=2',
                'Connection reset by peer',
                'Couldn''t parse age ''about 2 yrs''',
                'Rate limited (429) – backing off 120 s',
                'Échec de la connexion: certificat expiré',
                'KeyError: ''primary_image''']) END,
       CASE WHEN l.status <> 'running' THEN l.dur END,
       CASE WHEN l.status = 'running' OR pg_temp.u(l.i, 306) < 0.02 THEN NULL ELSE jsonb_build_object(
           'pages_scraped', pg_temp.n(l.i, 307, 1, 40),
           'http', jsonb_build_object(
               'requests',     pg_temp.n(l.i, 308, 10, 400),
               'retries',      pg_temp.n(l.i, 309, 0, 5),
               'bytes',        (pg_temp.u(l.i, 310) * 5e7)::bigint,
               'status_codes', jsonb_build_object('200', pg_temp.n(l.i, 311, 10, 380),
                                                  '404', pg_temp.n(l.i, 312, 0, 6),
                                                  '503', pg_temp.n(l.i, 313, 0, 3))),
           'phases', jsonb_build_array(
               jsonb_build_object('name', 'discover', 'seconds', round((30 * pg_temp.u(l.i, 314))::numeric, 2)),
               jsonb_build_object('name', 'details',  'seconds', round((300 * pg_temp.u(l.i, 315))::numeric, 2)),
               jsonb_build_object('name', 'persist',  'seconds', round((20 * pg_temp.u(l.i, 316))::numeric, 2))),
           'quality', jsonb_build_object(
               'missing_images', pg_temp.n(l.i, 317, 0, 5),
               'missing_age',    pg_temp.n(l.i, 318, 0, 8),
               'score',          round(pg_temp.u(l.i, 319)::numeric, 3)),
           'llm_tokens',      pg_temp.n(l.i, 320, 0, 200000),
           'warnings',        to_jsonb(pg_temp.some(l.i, 321, ARRAY['slow page', 'image too small',
                                  'duplicate external_id skipped', 'unknown field "edad"'], 2)),
           'scraper_version', '2.' || pg_temp.n(l.i, 323, 0, 9) || '.' || pg_temp.n(l.i, 324, 0, 20))
       END
FROM (
    SELECT g.i,
           pg_temp.n(g.i, 300, 1, p.n_orgs)                                         AS org,
           p.ref - make_interval(secs => 86400 * pg_temp.n(g.i, 301, 0, 364) + pg_temp.n(g.i, 325, 0, 86399)) AS started,
           round((10 + 900 * pg_temp.u(g.i, 326))::numeric, 2)                      AS dur,
           CASE WHEN pg_temp.u(g.i, 327) < 0.85 THEN 'completed'
                WHEN pg_temp.u(g.i, 327) < 0.93 THEN 'error'
                WHEN pg_temp.u(g.i, 327) < 0.98 THEN 'partial'
                ELSE 'running' END                                                  AS status
    FROM gen_params p
    CROSS JOIN generate_series(1, p.n_logs) AS g(i)
) l;

-- ---------------------------------------------------------------- tidy up
-- (the gen_* temp tables go away at COMMIT)
DROP FUNCTION pg_temp.some(bigint, int, anyarray, int), pg_temp.pick(bigint, int, anyarray),
              pg_temp.n(bigint, int, int, int), pg_temp.u(bigint, int), pg_temp.iso(timestamptz);

-- Ids were given explicitly: move each sequence to its table's max(id). Tables are never empty and
-- ids are dense, so the row doubles as a summary of row counts.
SELECT setval(pg_get_serial_sequence('organizations', 'id'),   (SELECT max(id) FROM organizations))   AS organizations,
       setval(pg_get_serial_sequence('animals', 'id'),         (SELECT max(id) FROM animals))         AS animals,
       setval(pg_get_serial_sequence('scrape_logs', 'id'),     (SELECT max(id) FROM scrape_logs))     AS scrape_logs,
       setval(pg_get_serial_sequence('service_regions', 'id'), (SELECT max(id) FROM service_regions)) AS service_regions;
COMMIT;

ANALYZE organizations, animals, scrape_logs, service_regions;
