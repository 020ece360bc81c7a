-- json_missing(kind, text): whether a field counts as missing, as ingest (src/ltv/events.ts) counts it:
-- absent, JSON null, or an empty string. `kind` is json_kind of the field, `text` its text.
-- A macro, so each required field of int_events states the rule once. Reads nothing.
create or replace macro json_missing(kind, text) as
    kind is null or kind = 'null' or (kind = 'a string' and text = '')
