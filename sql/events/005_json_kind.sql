-- json_kind(value): the kind of a JSON value, phrased as rejection reasons phrase it: 'a string',
-- 'a number', 'a boolean', 'null', 'an array', 'an object'; null when the field is absent.
-- A macro, so staging can name the kind of every field in one place. Reads nothing.
create or replace macro json_kind(value) as
    case left(value::varchar, 1)
        when '"' then 'a string'
        when '{' then 'an object'
        when '[' then 'an array'
        when 'n' then 'null'
        when 't' then 'a boolean'
        when 'f' then 'a boolean'
        else case when value is not null then 'a number' end
    end
