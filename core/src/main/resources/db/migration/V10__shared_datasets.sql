-- Departments' datasets imported for data sharing (数据共享, 国务院令第716号): what 公安 population,
-- 民政, 社保 and 市场监管 registries hold on a person or an enterprise, keyed by identity number or credit code,
-- so form handlers can fill in what the government already knows. Re-importing a subject replaces its record.
CREATE TABLE shared_dataset_record (
  source       text        NOT NULL CHECK (source ~ '^[a-z][a-z0-9-]{1,63}$'),
  subject_key  text        NOT NULL,
  record       jsonb       NOT NULL CHECK (jsonb_typeof(record) = 'object'),
  imported_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, subject_key)
);
