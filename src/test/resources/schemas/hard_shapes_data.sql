-- Ferry test fixture: data for hard_shapes.sql (run after it, same database).
-- Plain SQL, no psql meta-commands; one multi-statement simple query.
-- Literals are written with standard_conforming_strings = on (the default):
-- backslashes are literal in '...' and only escapes in E'...'.

-- ---------------------------------------------------------------- accounts (uuid PK)
INSERT INTO accounts (id, email, display, mood, credit, home, created_at) VALUES
 ('00000000-0000-0000-0000-000000000000', 'zero@example.com', 'All zeros uuid', 'ok', 1, ROW('1 Main St', '12345', ARRAY['a','b'])::address, '2024-01-01 00:00:00+00'),
 ('ffffffff-ffff-ffff-ffff-ffffffffffff', 'Max@Example.com', 'All ones uuid', 'happy', 2147483647, ROW('', '1', '{}')::address, '2024-01-02 12:34:56.789+02'),
 ('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'emoji@example.com', E'Zoë 🐘👩‍👩‍👧 é (e + U+0301)', 'very happy', 42, ROW('Straße "7", apt {2}', NULL, ARRAY[NULL, 'x,y', '"q"'])::address, '1999-12-31 23:59:59.999999-08'),
 ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'quotes@example.com', 'O''Brien said "hi" \o/ C:\temp\', 'it''s "complicated"', NULL, NULL, '2000-02-29 00:00:00+00'),
 ('b1d9c4b2-7c71-4c3e-9a1e-1f2b3c4d5e6f', 'nulls@example.com', NULL, NULL, NULL, ROW(NULL, NULL, NULL)::address, 'infinity'),
 ('c2e8d5a3-8d82-4d4f-8b2f-2a3b4c5d6e7f', 'past@example.com', '', 'sad', 7, ROW(E'line1\nline2\ttab', '00000', ARRAY['']::text[])::address, '-infinity');

-- ---------------------------------------------------------------- tenant_items (composite PK)
INSERT INTO tenant_items (tenant_id, code, label, qty) VALUES
 (1, 'A-1', 'first', 1),
 (1, 'a-1', 'case differs from A-1', 2),
 (1, '', 'empty-string code', NULL),
 (2, 'A-1', 'same code, other tenant', 3),
 (2, ' padded ', 'leading/trailing spaces', 4),
 (-1, 'ünï', 'negative tenant, unicode code', 5),
 (2147483647, 'max', NULL, 2147483647);

-- ---------------------------------------------------------------- external_refs (UNIQUE NOT NULL only)
INSERT INTO external_refs (ref_code, source, note) VALUES
 ('EXT-001', 'crm', NULL),
 ('EXT-002', 'crm', 'dup source'),
 ('ext-001', 'erp', 'case differs'),
 ('with space', NULL, NULL),
 ('😀', 'emoji', 'emoji key'),
 ('comma,and"quote', 'weird', E'back\\slash');

-- ---------------------------------------------------------------- categories (self FK, parent id > child id)
INSERT INTO categories (id, parent_id, name) VALUES
 (100, NULL, 'root (highest id)'),
 (50, 100, 'electronics'),
 (60, 100, 'books'),
 (10, 50, 'phones'),
 (20, 50, 'laptops'),
 (1, 10, 'android'),
 (2, 10, 'ios'),
 (3, 60, 'fiction'),
 (4, 3, 'sci-fi, deep chain'),
 (70, 70, 'self-loop (parent_id = id)'),
 (80, NULL, 'second root');

-- ---------------------------------------------------------------- cycle_a <-> cycle_b
INSERT INTO cycle_a (id, name, b_id) VALUES
 (1, 'a1 (2-cycle with b1)', NULL),
 (2, 'a2 (4-cycle a2->b2->a3->b3->a2)', NULL),
 (3, 'a3', NULL),
 (4, 'a4 no link', NULL),
 (5, 'a5 -> b4 (chain, no cycle)', NULL);
INSERT INTO cycle_b (id, name, a_id) VALUES
 (1, 'b1', 1),
 (2, 'b2', 3),
 (3, 'b3', 2),
 (4, 'b4 no link', NULL),
 (5, 'b5 -> a4', 4);
UPDATE cycle_a SET b_id = 1 WHERE id = 1;
UPDATE cycle_a SET b_id = 2 WHERE id = 2;
UPDATE cycle_a SET b_id = 3 WHERE id = 3;
UPDATE cycle_a SET b_id = 4 WHERE id = 5;

-- ---------------------------------------------------------------- arrays
INSERT INTO array_samples (id, ints, texts, grid, moods, uuids, credits, codes, addresses) VALUES
 (1, '{1,NULL,3}', ARRAY['a,b', 'say "hi"', '{braces}', '', NULL, 'NULL', 'back\slash', ' spaced '],
     '{{1,2,3},{4,NULL,6}}', '{sad,"very happy",NULL}', ARRAY['00000000-0000-0000-0000-000000000000'::uuid, NULL],
     '{1,2,NULL}', '{abc,"",NULL}', ARRAY[ROW('x', '1', ARRAY['y'])::address, NULL]),
 (2, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, '{NULL}', '{NULL}', '{{NULL}}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}'),
 (5, '[0:2]={10,20,30}', '[-1:0]={x,y}', '[1:2][0:1]={{1,2},{3,4}}', ARRAY['it''s "complicated"'::mood],
     NULL, '{2147483647}', '{"a,b","{}"}', ARRAY[ROW(NULL, NULL, NULL)::address, ROW('', '', '{}')::address]),
 (6, ARRAY[-2147483648, 2147483647], ARRAY[E'tab\there', E'new\nline', 'ü🐘', 'é', E'\\"'],
     '{{{1,2},{3,4}},{{5,6},{7,8}}}', NULL, NULL, NULL, ARRAY['   ']::varchar(3)[], NULL);

-- ---------------------------------------------------------------- json / jsonb
INSERT INTO json_docs (id, doc, docb, docs) VALUES
 (1, '{"b": 1,   "a": 2,
   "b": 3}', '{"b": 1, "a": 2, "b": 3}', ARRAY['{"x":1}', '[ 1 , 2 ]']::json[]),
 (2, '  [1, 2.50, 1e3, -0, 1.0E+2]  ', '[1, 2.50, 1e3, -0, 1.0E+2]', '{}'),
 (3, 'null', 'null', ARRAY[NULL, 'null']::json[]),
 (4, NULL, NULL, NULL),
 (5, '"just a string with \"quotes\", \\ and \u00e9 \ud83d\udc18"', '"just a string with \"quotes\", \\ and \u00e9 \ud83d\udc18"', NULL),
 (6, '{"nul": "\u0000", "deep": {"a": [{"b": {"c": [true, false, null]}}]}}', '{"deep": {"a": [{"b": {"c": [true, false, null]}}]}}', NULL),
 (7, '{}', '{}', ARRAY['{}', '""']::json[]),
 (8, E'{\n\t"tabs"\t:\t"and newlines"\n}', '{"big": 123456789012345678901234567890.123456789, "small": 1e-20}', NULL);

-- ---------------------------------------------------------------- numbers
INSERT INTO numeric_samples (id, n, n_money, n_neg_scale, f8, f4, i2, i8, b) VALUES
 (1, 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 0, 0, true),
 (2, 'Infinity', 0.00, 0, 'Infinity', 'Infinity', 32767, 9223372036854775807, false),
 (3, '-Infinity', -9999999999.99, -9999900, '-Infinity', '-Infinity', -32768, -9223372036854775808, NULL),
 (4, 0.000000000000000000000000000001, 1.5, 12345, '-0', '-0', 1, 1, true),
 (5, 1.500, 0.1, 99, 0.1::float8 + 0.2::float8, 0.1::float4 + 0.2::float4, -1, -1, false),
 (6, (repeat('9', 600) || '.' || repeat('0123456789', 50))::numeric, 1, 150, 1e308, 3.4028235e38, NULL, NULL, NULL),
 (7, ('-0.' || repeat('0', 300) || '1')::numeric, NULL, NULL, 5e-324, 1e-45, NULL, NULL, NULL),
 (8, -0.0, NULL, NULL, 2.2250738585072014e-308, 1.17549435e-38, NULL, NULL, NULL),
 (9, 123456789012345678901234567890.000000000000000000001, 12.34, -249, 1.0000000000000002, 1.0000001, 42, 42, true),
 (10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- ---------------------------------------------------------------- time
INSERT INTO temporal_samples (id, ts, ts3, tstz, d, t, ttz, iv, iv_ds) VALUES
 (1, 'infinity', 'infinity', 'infinity', 'infinity', '00:00:00', '00:00:00+00', '0', '0'),
 (2, '-infinity', '-infinity', '-infinity', '-infinity', '24:00:00', '24:00:00-15:59', '1 year 2 mons 3 days 04:05:06.789012', '3 days 04:05:06.789'),
 (3, '2024-02-29 23:59:59.999999', '2024-02-29 23:59:59.9995', '2024-02-29 23:59:59.999999+14', '2024-02-29', '23:59:59.999999', '23:59:59.999999+15:59', '-1 years +2 mons -3 days +00:00:00.000001', '-00:00:00.001'),
 (4, '0044-03-15 12:00:00 BC', '4713-01-01 00:00:00 BC', '0001-01-01 00:00:00+00 BC', '4713-01-01 BC', '12:00:00.5', '12:00:00+05:30', '1.5 months 0.25 days', '1 day 25:00:00.0005'),
 (5, '294276-12-31 23:59:59.999999', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '5874897-12-31', '00:00:00.000001', '12:34:56.789-03:30', '178000000 years', '-1 days +23:59:59.999'),
 (6, '2000-01-01 00:00:00', '2000-01-01 00:00:00.001', '2024-03-31 02:30:00 Europe/Berlin', '2000-01-01', '13:14:15', '01:02:03+01:02:03', '-178000000 years', '106751991 days 04:00:54.775'),
 (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (8, '1900-01-01 00:00:00', '1900-01-01 00:00:00', '1883-11-18 12:00:00 America/New_York', '1900-01-01', '00:00:00', '00:00:00-00:01', '00:00:00.000001', '1 mon 2 days 03:04:05.678');

-- ---------------------------------------------------------------- misc types
INSERT INTO misc_types (id, mac, mac8, ip, net, x, bits, vbits, tsv, tsq, o, r_int, r_tstz, mr_int, pt, bx, circ, fixed, vc, ch, blob, body) VALUES
 (1, '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', '192.168.100.128/25', '192.168.100.128/25',
     '<a b="1">text &amp; more</a>', B'10100101', B'', 'a fat:2B,4C cat:5D rat', 'fat & (rat | !cat)',
     0, '[1,5)', '[2024-01-01 00:00:00+00,infinity)', '{[1,3), [5,8)}', '(1.5,-2)', '(1,1),(0,0)', '<(0,0),1.5>',
     'ab', 'abc', 'x', '\x00', 'plain'),
 (2, 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff', '::1', '2001:db8::/32',
     '<?xml version="1.0" encoding="UTF-8"?><doc><![CDATA[<raw> & ]]></doc>', B'00000000', B'1', '', '!''quoted word''',
     4294967295, 'empty', '(,)', '{}', '(NaN,Infinity)', '(-1e300,-1e300),(1e300,1e300)', '<(1,2),0>',
     '', '', '"', '\x00ff00deadbeef00', ''),
 (3, '00:00:00:00:00:00', '00:00:00:ff:fe:00:00:00', '::ffff:10.0.0.1', '10.0.0.0/8',
     'just text, no element', B'11111111', repeat('10', 100)::varbit, $$'with space':1 'can''t' 'back\\slash':3$$, $$'with space' <-> cat:*$$,
     1, '(,5]', '(2024-01-01 00:00:00+00,2024-02-01 00:00:00+00]', '{(,0], [10,)}', '(0,-0)', '(0,0),(0,0)', '<(0,0),0>',
     'abcde', 'ü🐘é', E'\\', decode(repeat('00', 64) || 'ff', 'hex'), E'O''Reilly said "\\n" is not a newline, this is:\nand a tab:\t, a backslash-quote: \\'' and \\"'),
 (4, NULL, NULL, '10.1.2.3', '10.1.2.3/32', '<root xmlns:x="urn:x"><x:child  attr = ''single'' /></root>', NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     ' a ', NULL, 'é', '\x', E'e\u0301 vs \u00e9 (combining vs precomposed), ZWJ 👩\u200d💻, RTL \u202eabc, BOM \ufeff'),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (6, '01-23-45-67-89-ab', '0123.4567.89ab.cdef', 'fe80::1:2:3:4/64', '::/0',
     '<a/><b/>', B'00000001', B'0000', 'a:1 a:2', 'a:AB', 12345, '[-2147483648,2147483647)', '[-infinity,infinity]', '{[1,2], [3,4]}', '(1e-300,1e300)', '(2,2),(1,1)', '<(1e10,-1e10),1e-10>',
     '12345', '0123456789', ' ', decode(repeat('5c27223a2c7b7d', 3000), 'hex'), repeat('large toasted text 🐘 ', 20000));

-- ---------------------------------------------------------------- "Order Lines" (quoted identifiers, composite FK)
INSERT INTO "Order Lines" ("Tenant", "Item Code", "Line No", "select", "from", "user", "Qté", "weird""name", "a.b") VALUES
 (1, 'A-1', 1, 'select * from "Order Lines";', '2024-01-01', 'alice', 1.000, 'has "quotes"', 1),
 (1, 'A-1', 2, NULL, NULL, NULL, NULL, NULL, NULL),
 (1, 'a-1', 1, 'drop table x; --', '1999-12-31', 'Bob', 0.001, '', -1),
 (2, 'A-1', 1, '', 'infinity', 'user', 9999999.999, 'x', 0),
 (2, ' padded ', 10, 'from', '-infinity', 'ALICE', -0.5, 'y', 2),
 (-1, 'ünï', 1, 'ünï', '2000-02-29', 'ünï', 3.14, '😀', 3),
 (1, '', 1, 'empty item code', '2024-06-30', 'carol', 2, 'z', 4);

-- ---------------------------------------------------------------- billing.invoices (FK into public)
INSERT INTO billing.invoices (id, account_id, ext_ref, status, currency, amount, issued_on) VALUES
 (1, '00000000-0000-0000-0000-000000000000', 'EXT-001', 'paid', 'EUR', 100.00, '2024-01-05'),
 (2, '00000000-0000-0000-0000-000000000000', NULL, 'open', 'USD', 0.01, '2024-01-06'),
 (3, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '😀', 'void', 'JPY', 123456789012.34, NULL),
 (5, '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'comma,and"quote', 'draft', 'GBP', -5.50, '2023-12-31'),
 (8, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ext-001', 'paid', 'CHF', 0.00, '2024-02-29');

-- ---------------------------------------------------------------- refunds (public -> billing)
INSERT INTO refunds (id, invoice_id, amount, reason) VALUES
 ('11111111-1111-1111-1111-111111111111', 1, 50.00, 'partial'),
 ('22222222-2222-2222-2222-222222222222', 1, 50.00, 'partial (same amount)'),
 ('33333333-3333-3333-3333-333333333333', 3, NULL, NULL),
 ('44444444-4444-4444-4444-444444444444', 5, -5.50, 'negative of negative'),
 ('55555555-5555-5555-5555-555555555555', 8, 0, E'tab\tand\nnewline');

-- ---------------------------------------------------------------- billing.audit_log (same name as public.audit_log)
INSERT INTO billing.audit_log (at, message) VALUES
 ('2024-01-05 10:00:00+00', 'invoice 1 paid'),
 ('2024-01-05 10:00:00+00', 'invoice 1 paid'),
 (NULL, NULL),
 (NULL, NULL),
 ('2024-01-06 00:00:00+00', 'billing schema, not public');

-- ---------------------------------------------------------------- measurements (partitioned)
INSERT INTO measurements (id, taken_on, sensor, reading) VALUES
 (1, '2023-01-01', 's1', 1.5),
 (2, '2023-06-15', 's1', 'NaN'),
 (3, '2023-12-31', 's2', '-Infinity'),
 (1, '2024-01-01', 's1', 2.5),
 (2, '2024-02-29', 's2', -0),
 (3, '2024-12-31', NULL, NULL),
 (1, '2022-12-31', 'old', 0.1),
 (2, '2025-01-01', 'future', 1e-300),
 (3, 'infinity', 'inf', 'Infinity'),
 (4, '-infinity', '-inf', 0);

-- ---------------------------------------------------------------- products (GENERATED ALWAYS identity + stored generated column)
INSERT INTO products (sku, price, qty) VALUES
 ('SKU-1', 9.99, 3),
 ('SKU-2', 0.00, 100),
 ('SKU-3', 1234567.89, 2),
 ('SKU-4', -1.00, 1),
 ('SKU-5', 0.01, 0);
INSERT INTO products (id, sku, price, qty) OVERRIDING SYSTEM VALUE VALUES
 (10, 'SKU-10 (explicit id, gap)', 5.00, 7),
 (42, 'SKU-42 (explicit id, gap)', 1.10, 3);
DELETE FROM products WHERE id = 2;

-- ---------------------------------------------------------------- tickets (BY DEFAULT identity + serial, partial index)
INSERT INTO tickets (title, product_id, closed_at) VALUES
 ('open, default id', 1, NULL),
 ('closed, default id', 3, '2024-01-01 00:00:00+00');
INSERT INTO tickets (id, ticket_no, title, product_id, closed_at) VALUES
 (100, 500, 'explicit id and ticket_no', 10, NULL),
 (7, 7, 'explicit small id', NULL, 'infinity'),
 (101, 3, 'ticket_no out of order', 42, NULL),
 (102, 3, 'duplicate ticket_no (no unique on serial)', NULL, NULL);

-- ---------------------------------------------------------------- audit_log (no key, duplicate rows)
INSERT INTO audit_log (logged_at, level, message, detail) VALUES
 ('2024-01-01 00:00:00+00', 'INFO', 'started', '{"pid": 1}'),
 ('2024-01-01 00:00:00+00', 'INFO', 'started', '{"pid": 1}'),
 ('2024-01-01 00:00:00+00', 'INFO', 'started', '{"pid": 1}'),
 ('2024-01-01 00:00:01+00', 'WARN', 'disk "almost" full', '{"pct": 99.5, "tags": ["a", null]}'),
 ('2024-01-01 00:00:01+00', 'WARN', 'disk "almost" full', '{"pct": 99.5, "tags": ["a", null]}'),
 (NULL, NULL, NULL, NULL),
 (NULL, NULL, NULL, NULL),
 ('2024-01-01 00:00:02+00', 'ERROR', E'multi\nline\nstack', 'null'),
 ('2024-01-01 00:00:02+00', 'error', '', '[]');

-- ---------------------------------------------------------------- keep sequences consistent with the data
SELECT setval(pg_get_serial_sequence('billing.invoices', 'id'), (SELECT max(id) FROM billing.invoices));
SELECT setval(pg_get_serial_sequence('public.products', 'id'), (SELECT max(id) FROM products));
SELECT setval(pg_get_serial_sequence('public.tickets', 'id'), (SELECT max(id) FROM tickets));
SELECT setval(pg_get_serial_sequence('public.tickets', 'ticket_no'), (SELECT max(ticket_no) FROM tickets));
