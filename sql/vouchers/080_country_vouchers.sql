-- country_vouchers: one row per country with clean data: the most used amount among all the
-- country's clean rows (a tie goes to the smaller amount). The API answers with it, as
-- basis "country", when the customer's variant has no data in that country.
-- Reads the kept rows of voucher_assignment_counts.
create or replace table country_vouchers as
with assignments as (
    select * from voucher_assignment_counts where is_kept
),

amount_counts as (
    select country_key, country_code, voucher_amount, sum(input_rows) as uses
    from assignments
    group by all
),

ranked as (
    select
        *,
        sum(uses) over country as country_rows,
        row_number() over (country order by uses desc, voucher_amount asc) as rank_in_country
    from amount_counts
    window country as (partition by country_key)
),

final as (
    select
        country_key::varchar   as country_key,
        country_code::varchar  as country_code,
        voucher_amount::double as voucher_amount,
        uses::integer          as voucher_count,
        country_rows::integer  as country_rows
    from ranked
    where rank_in_country = 1
    order by country_code
)

select * from final
