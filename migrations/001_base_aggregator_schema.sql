-- The rescue-dog aggregator's own tables. IF NOT EXISTS so this tool can run on an
-- existing aggregator database without touching what is there.
CREATE TABLE IF NOT EXISTS organizations (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  website_url TEXT,
  country TEXT,
  city TEXT,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  config_id TEXT UNIQUE,
  slug TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT now(),
  updated_at TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS animals (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  animal_type TEXT NOT NULL DEFAULT 'dog',
  external_id TEXT,
  adoption_url TEXT,
  status TEXT NOT NULL DEFAULT 'available',
  breed TEXT,
  age_text TEXT,
  age_min_months INTEGER,
  age_max_months INTEGER,
  sex TEXT,
  size TEXT,
  language TEXT NOT NULL DEFAULT 'en',
  properties JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at TIMESTAMP NOT NULL DEFAULT now(),
  updated_at TIMESTAMP NOT NULL DEFAULT now(),
  UNIQUE (external_id, organization_id)
);

CREATE INDEX IF NOT EXISTS idx_animals_organization ON animals (organization_id, id);
