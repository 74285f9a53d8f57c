-- Ferry test fixture: rows for odd_identifiers.sql (runs after it). Values are as odd as the names.

INSERT INTO "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" ("table", "Mood 😀", "select")
  SELECT 'row ' || g || CASE g % 3 WHEN 0 THEN ' "q"' WHEN 1 THEN '; --' ELSE ' 表' END,
         (enum_range(NULL::"Ünïcødé 表 ""schéma"""."Mood ""enum""; --"))[1 + g % 6], g
  FROM generate_series(1, 50) g;
-- Each row reports to the next one: parents with higher ids than their children.
UPDATE "Ünïcødé 表 ""schéma"""."Parent ""Table""; DROP TABLE y; --" SET "Reports To" = "ID" + 1 WHERE "ID" < 50;

INSERT INTO public."order" ("user", "Line No.", "parent ID", "cost$usd", "x"";--",
    "Ωmega ""column"" as long as PostgreSQL allows: sixty-three bytes")
  SELECT 1 + g % 20, g, 1 + g % 50, g * 1.25, 'x "' || g || '"; --', repeat('ü', g % 7)
  FROM generate_series(1, 400) g;

INSERT INTO "Ünïcødé 表 ""schéma"""."Bïg ""tâble"" $1; -- its name is as long as PostgreSQL allows!!"
    ("Kéy ""id""", "parent ID", "Value ""v""", "Mood")
  SELECT g, 1 + g % 50, 'v "' || g || '"', (enum_range(NULL::"Ünïcødé 表 ""schéma"""."Mood ""enum""; --"))[1 + g % 6]
  FROM generate_series(1, 3000) g;

INSERT INTO public."user"
  SELECT CASE g % 4 WHEN 0 THEN 'tag "' || g % 97 || '"' WHEN 1 THEN 'Tâg; -- ' || g % 89
                    WHEN 2 THEN 'TAG ' || g % 83 ELSE '表 ' || g % 79 END, g, 'sel ' || g
  FROM generate_series(1, 2500) g;

INSERT INTO "Ünïcødé 表 ""schéma"""."no key; -- ""at all""" SELECT 'a "' || g % 5 || '" b', g % 3
  FROM generate_series(1, 20) g;
