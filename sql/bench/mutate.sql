-- "A day of changes" on a source database filled by sql/demo/data.sql, as a day of scraping would
-- leave it; Ferry's re-sync benchmark then measures how fast it carries them over.
--
--   SET ferry.seed = '2';               -- optional, default 1
--   <this file>                         -- plain SQL: one multi-statement query or psql -f
--
--   ~1.0 % of animals updated: updated_at, last_seen_at, status, availability_confidence and the
--          properties key weight_kg; ~1 in 5 of them also gets a new name
--   ~0.5 % new animals inserted (external_id 'N<10000000 + id>', a prefix data.sql never uses)
--   ~0.2 % of animals deleted, disjoint from the updated ones
-- Other tables are not touched. Ends with one row: updated, inserted, deleted.
--
-- Deterministic for a given seed and starting state: rows are chosen by a hash of (id, seed, state),
-- values come from the same hash, and the day's timestamps follow the newest updated_at already present
-- (so every run is "the next day", and updated_at only moves forward). New ids start past both
-- max(id) and the id sequence, so they never repeat an earlier run's ids or external_ids, whatever
-- the seeds, even when an earlier run's newest row has been deleted since.

BEGIN;
SET LOCAL client_min_messages = warning;
SET LOCAL jit = off;

-- u(k, salt): uniform float in [0, 1) from a 64-bit hash (same helper as data.sql; inlined by the planner).
CREATE OR REPLACE FUNCTION pg_temp.u(k bigint, salt bigint) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (hashint8extended(k, salt) & 9007199254740991)::float8 / 9007199254740992 $$;

-- The result row outlives the transaction (the final SELECT runs after COMMIT and ANALYZE), so it
-- is a plain temp table, re-created on every run.
DROP TABLE IF EXISTS pg_temp.mutate_result;
CREATE TEMP TABLE mutate_result (updated bigint, inserted bigint, deleted bigint);
INSERT INTO mutate_result VALUES (0, 0, 0);

CREATE TEMP TABLE mut_ctx ON COMMIT DROP AS
SELECT x.seed,
       -- salt + 1, + 2, ... drive independent choices. It mixes the seed with id_base, so running the
       -- file again (even with the same seed) picks other rows instead of re-picking deleted ones.
       hashint8extended(b.id_base, x.seed) & 281474976710655 AS salt,
       s.max_id,
       b.id_base,
       greatest(1, round(s.n_rows * 0.005))::int AS n_ins,
       -- midnight (UTC) after the newest change so far; the day's activity falls between 06:00 and 22:00
       (date_trunc('day', s.newest AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') + interval '24 hours' AS day0
FROM (SELECT coalesce(nullif(current_setting('ferry.seed', true), '')::bigint, 1) AS seed) x,
     (SELECT max(id) AS max_id, count(*) AS n_rows,
             coalesce(max(updated_at), timestamptz '2025-06-01 00:00:00+00') AS newest
      FROM animals) s,
     LATERAL (SELECT greatest(s.max_id, coalesce(pg_sequence_last_value(
                  pg_get_serial_sequence('animals', 'id')::regclass), 0)) AS id_base) b;

-- Victims, fixed before anything changes: ~0.2 % deleted, ~1 % updated (never one of the deleted).
CREATE TEMP TABLE mut_del ON COMMIT DROP AS
SELECT a.id FROM animals a, mut_ctx c WHERE pg_temp.u(a.id, c.salt + 1) < 0.002;

CREATE TEMP TABLE mut_upd ON COMMIT DROP AS
SELECT a.id FROM animals a, mut_ctx c
WHERE pg_temp.u(a.id, c.salt + 2) < 0.010 AND NOT pg_temp.u(a.id, c.salt + 1) < 0.002;

-- ---------------------------------------------------------------- updates
WITH changed AS (
    UPDATE animals a SET
        updated_at   = t.ts,
        last_seen_at = t.ts + make_interval(mins => floor(30 * pg_temp.u(a.id, c.salt + 3))::int),
        status       = t.new_status,
        availability_confidence = round((CASE WHEN t.new_status = 'available' THEN 0.6 + 0.4 * pg_temp.u(a.id, c.salt + 5)
                                              ELSE 0.6 * pg_temp.u(a.id, c.salt + 5) END)::numeric, 3),
        -- the dog was weighed again (a NULL document stays NULL)
        properties   = jsonb_set(a.properties, '{weight_kg}',
                                 to_jsonb(round((3 + 42 * pg_temp.u(a.id, c.salt + 6))::numeric, 1))),
        name         = CASE WHEN pg_temp.u(a.id, c.salt + 7) >= 0.2 THEN a.name
                            WHEN t.new_name IS DISTINCT FROM a.name THEN t.new_name
                            ELSE t.new_name || ' II' END
    FROM mut_upd m, mut_ctx c,
         LATERAL (SELECT c.day0 + make_interval(secs => 21600 + floor(57600 * pg_temp.u(m.id, c.salt + 8))) AS ts,
                         (ARRAY['Hope','Lucky','Sunny','Frodo','Zoë','Άρτεμις','Pîrțu','O''Neill',
                                'Ruby "Red"','Chorizo'])[1 + floor(10 * pg_temp.u(m.id, c.salt + 9))::int] AS new_name,
                         -- status moves along: available -> reserved/adopted, reserved -> adopted/available,
                         -- adopted -> unknown (page gone), unknown/NULL -> available
                         CASE (SELECT status FROM animals WHERE id = m.id)
                             WHEN 'available' THEN CASE WHEN pg_temp.u(m.id, c.salt + 4) < 0.6 THEN 'reserved' ELSE 'adopted' END
                             WHEN 'reserved'  THEN CASE WHEN pg_temp.u(m.id, c.salt + 4) < 0.7 THEN 'adopted' ELSE 'available' END
                             WHEN 'adopted'   THEN 'unknown'
                             ELSE 'available' END AS new_status) t
    WHERE a.id = m.id
    RETURNING 1
)
UPDATE mutate_result SET updated = (SELECT count(*) FROM changed);

-- ---------------------------------------------------------------- inserts
-- Each new dog borrows organization, breed, sex and documents from an existing "template" dog (the
-- first id at or after a hashed position), so the organization skew and row sizes stay realistic.
WITH added AS (
    INSERT INTO animals (id, organization_id, external_id, name, breed, sex, age_text, status, adoption_url,
                         primary_image_url, properties, dog_profiler_data, adoption_check_data,
                         availability_confidence, last_seen_at, created_at, updated_at)
    SELECT n.id,
           t.organization_id,
           n.ext,
           (ARRAY['Nova','Pipa','Bimbo','Kiki','Atlas','Mía','Σοφία','Grigore','Fluffy "Jr"','Tiago'])
               [1 + floor(10 * pg_temp.u(n.id, c.salt + 10))::int],
           t.breed,
           t.sex,
           (1 + floor(12 * pg_temp.u(n.id, c.salt + 11))::int) || ' months',
           'available',
           o.website_url || '/adopt/' || n.ext,
           'https://images.rescuedogs.example/' || o.config_id || '/' || to_hex(hashint8extended(n.id, c.salt + 12)) || '.jpg',
           t.properties,
           t.dog_profiler_data,
           NULL,                                         -- not status-checked yet
           round((0.8 + 0.2 * pg_temp.u(n.id, c.salt + 13))::numeric, 3),
           n.ts, n.ts, n.ts
    FROM mut_ctx c
    CROSS JOIN LATERAL (
        SELECT c.id_base + g AS id,
               'N' || (10000000 + c.id_base + g) AS ext,
               c.day0 + make_interval(secs => 21600 + floor(57600 * pg_temp.u(c.id_base + g, c.salt + 14))) AS ts,
               1 + floor(c.max_id * pg_temp.u(c.id_base + g, c.salt + 15))::bigint AS near
        FROM generate_series(1, c.n_ins) AS g
    ) n
    CROSS JOIN LATERAL (SELECT * FROM animals a WHERE a.id >= n.near ORDER BY a.id LIMIT 1) t
    JOIN organizations o ON o.id = t.organization_id
    RETURNING 1
)
UPDATE mutate_result SET inserted = (SELECT count(*) FROM added);

-- keep the sequence ahead of the ids used above, so ordinary inserts do not collide with them
-- (a DO block, so that the only result set this file produces is the final one)
DO $$ BEGIN PERFORM setval(pg_get_serial_sequence('animals', 'id'), id_base + n_ins) FROM mut_ctx; END $$;

-- ---------------------------------------------------------------- deletes
WITH gone AS (
    DELETE FROM animals a USING mut_del d WHERE a.id = d.id
    RETURNING 1
)
UPDATE mutate_result SET deleted = (SELECT count(*) FROM gone);

DROP FUNCTION pg_temp.u(bigint, bigint);
COMMIT;

ANALYZE animals;

SELECT updated, inserted, deleted FROM mutate_result;
