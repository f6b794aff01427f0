-- Catalogue search that works for Chinese: character unigrams and bigrams of the name and themes, in a
-- GIN index (trigrams under the C locale drop CJK characters). Filters by theme and channel.
alter table matter add column search_grams text[] not null default '{}';
alter table matter add column search_text text not null default '';
alter table matter add column themes text[] not null default '{}';
alter table matter add column channels text[] not null default '{}';
-- Hash of the bundled definition last imported, so a restart adds a version only when the bundle changed.
alter table matter add column bundle_hash text;
create index matter_search_grams_idx on matter using gin (search_grams);
create index matter_themes_idx on matter using gin (themes);

alter table form_version add column material_bindings jsonb not null default '[]';
alter table form_version add column created_by text;
alter table form_version add column retired_at timestamptz;
