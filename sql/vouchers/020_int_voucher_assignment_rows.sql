-- int_voucher_assignment_rows: one row per input row, with the outcome of every rule (005_row_rules,
-- country_names, total_orders_values) and whether the row may have exact copies elsewhere in the
-- input (its hash is in duplicate_row_hashes). Reads stg_voucher_assignments and those tables.
-- A view for people and for int_voucher_assignments: querying it re-reads the input.
create or replace view int_voucher_assignment_rows as
with staged as (
    select * from stg_voucher_assignments
),

judged as (
    select
        staged.*,
        row_hash(assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount)
            in (select row_hash from duplicate_row_hashes) as may_have_copies,
        utc_timestamp(assigned_at_text)                   as assigned_at,
        last_order_times.last_order_at,
        country_names.country_key,
        country_names.country_code,
        rejection_reason(country_names.country_key, voucher_amount, first_order_at > last_order_times.last_order_at) as rejection_reason,
        case when total_orders_values.total_orders_text is null then 'total_orders_missing' else total_orders_values.frequency_exclusion end as frequency_exclusion,
        total_orders_values.total_orders,
        recency_exclusion(assigned_at, last_order_times.last_order_at)      as recency_exclusion,
        days_since_last_order(assigned_at, last_order_times.last_order_at)  as days_since_last_order
    from staged
    left join country_names using (country_text)
    left join total_orders_values using (total_orders_text)
    left join last_order_times using (last_order_text)
),

final as (
    select
        source_row::bigint                 as source_row,
        may_have_copies::boolean           as may_have_copies,
        rejection_reason::varchar          as rejection_reason,
        (rejection_reason is null)::boolean as is_kept,
        country_key::varchar               as country_key,
        country_code::varchar              as country_code,
        voucher_amount::double             as voucher_amount,
        frequency_exclusion::varchar       as frequency_exclusion,
        total_orders::integer              as total_orders,
        recency_exclusion::varchar         as recency_exclusion,
        days_since_last_order::integer     as days_since_last_order,
        assigned_at::timestamptz           as assigned_at,
        last_order_at::timestamptz         as last_order_at,
        first_order_at::timestamptz        as first_order_at,
        assigned_at_text::varchar          as assigned_at_text,
        country_text::varchar              as country_text,
        last_order_text::varchar           as last_order_text,
        total_orders_text::varchar         as total_orders_text
    from judged
)

select * from final
