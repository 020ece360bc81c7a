-- clean_voucher_assignments: one row per distinct kept voucher assignment, with the two measures
-- segments are defined on. Reads int_voucher_assignments (a view: querying it re-reads the input).
-- total_orders is null where the row does not count toward frequent_segment; days_since_last_order
-- is null where it does not count toward recency_segment.
create or replace view clean_voucher_assignments as
with assignments as (
    select * from int_voucher_assignments
),

final as (
    select
        first_source_row::bigint       as source_row,
        country_key::varchar           as country_key,
        country_code::varchar          as country_code,
        voucher_amount::double         as voucher_amount,
        assigned_at::timestamptz       as assigned_at,
        last_order_at::timestamptz     as last_order_at,
        first_order_at::timestamptz    as first_order_at,
        total_orders::integer          as total_orders,
        days_since_last_order::integer as days_since_last_order
    from assignments
    where is_kept
)

select * from final
