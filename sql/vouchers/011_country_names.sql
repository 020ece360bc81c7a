-- country_names: one row per country_code text as it arrived, with the country it names.
-- Reads the country column of stg_voucher_assignments; the rule runs once per distinct text (an input
-- has millions of rows and a handful of spellings) and is joined back by the steps that need it.
--   country_key   the text trimmed and in lower case: countries compare case-insensitively
--                 (" peru " is Peru); null when the text is null, empty or only spaces (missing_country)
--   country_code  the country's usual spelling: its most used mixed-case spelling among the input's
--                 rows, or a title-cased one when every spelling is upper or lower case
create or replace table country_names as
with staged as (
    select country_text from stg_voucher_assignments
),

country_texts as (
    select
        country_text,
        nullif(trim(country_text, ' ' || chr(9) || chr(10) || chr(13)), '') as country_trimmed,
        lower(country_trimmed) as country_key,
        count(*)               as uses
    from staged
    group by country_text
),

usual_spellings as (
    select
        country_key,
        arg_max(country_trimmed, (country_trimmed <> upper(country_trimmed) and country_trimmed <> lower(country_trimmed), uses, -len(country_trimmed))) as usual_spelling
    from country_texts
    where country_key is not null
    group by country_key
),

final as (
    select
        country_texts.country_text::varchar as country_text,
        country_texts.country_key::varchar  as country_key,
        case
            when usual_spelling <> upper(usual_spelling) and usual_spelling <> lower(usual_spelling) then usual_spelling
            else array_to_string(
                list_transform(string_split(lower(usual_spelling), ' '), word -> upper(left(word, 1)) || substr(word, 2)),
                ' '
            )
        end::varchar                        as country_code
    from country_texts
    left join usual_spellings using (country_key)
)

select * from final
