package dev.ferry.plan;

/** What a table's rows are matched by across the two databases. */
public enum KeyKind {
  /** The primary key: ids are preserved (the seeds' "ID preservation"). */
  PRIMARY,
  /** A unique NOT NULL key, for tables without a primary key. */
  UNIQUE,
  /** A natural key from the configuration: target ids may differ, and references are rewritten through a map. */
  NATURAL,
  /** No key at all: rows can only be compared as a whole table. */
  NONE
}
