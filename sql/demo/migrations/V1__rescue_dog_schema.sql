-- Demo schema: the "rescue-dog aggregator" that Ferry syncs from a local database to production.
-- Same shape as the shared benchmark schema, so demo and benchmark data are interchangeable.
--
-- Plain SQL on purpose (no psql meta-commands): Ferry sends this file as one multi-statement
-- simple query. It creates, and never drops: `ferry demo` makes the databases anew, and a migration that a user
-- copies should not teach destruction (Ferry's migrate would ask for --confirm-destructive).

-- One row per rescue organization; config_id is the stable natural key ("happy-paws-greece").
CREATE TABLE organizations (
    id            serial PRIMARY KEY,
    config_id     text UNIQUE NOT NULL,
    name          text,
    website_url   text,
    social_media  jsonb,
    ships_to      text[],
    active        bool,
    created_at    timestamptz,
    updated_at    timestamptz
);

-- The big, wide table: one row per dog, with three jsonb documents (scraped properties,
-- LLM profile, adoption-status check). Natural key: (external_id, organization_id).
CREATE TABLE animals (
    id                      bigserial PRIMARY KEY,
    organization_id         int NOT NULL REFERENCES organizations(id),
    external_id             text NOT NULL,
    name                    text,
    breed                   text,
    sex                     text,
    age_text                text,
    status                  text,
    adoption_url            text,
    primary_image_url       text,
    properties              jsonb,
    dog_profiler_data       jsonb,
    adoption_check_data     jsonb,
    availability_confidence numeric(4,3),
    last_seen_at            timestamptz,
    created_at              timestamptz,
    updated_at              timestamptz,
    UNIQUE (external_id, organization_id)
);
CREATE INDEX animals_status_idx      ON animals (status);
CREATE INDEX animals_org_updated_idx ON animals (organization_id, updated_at);
CREATE INDEX animals_properties_gin  ON animals USING gin (properties);

-- Append-mostly history of scraper runs.
CREATE TABLE scrape_logs (
    id               bigserial PRIMARY KEY,
    organization_id  int REFERENCES organizations(id),
    started_at       timestamptz,
    completed_at     timestamptz,
    animals_found    int,
    animals_added    int,
    animals_updated  int,
    status           text,
    error_message    text,
    duration_seconds numeric(10,2),
    detailed_metrics jsonb
);
CREATE INDEX scrape_logs_org_started_idx ON scrape_logs (organization_id, started_at);

-- Countries (and optionally a region) each organization serves; one row per (organization, country).
CREATE TABLE service_regions (
    id              serial PRIMARY KEY,
    organization_id int REFERENCES organizations(id),
    country         text,
    region          text,
    active          bool,
    created_at      timestamptz,
    UNIQUE (organization_id, country)
);

RESET client_min_messages;
