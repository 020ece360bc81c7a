-- rejected_rows: one row per input row that counts nowhere, with the rule that rejected it and the
-- row as it arrived. Reads int_voucher_assignments; the rules are described there.
create or replace view rejected_rows as
with assignments as (
    select * from int_voucher_assignments
),

final as (
    select
        source_row::bigint          as source_row,
        rejection_reason::varchar   as reason,
        assigned_at_text::varchar   as "timestamp",
        country_text::varchar       as country_code,
        last_order_text::varchar    as last_order_ts,
        first_order_at::timestamptz as first_order_ts,
        total_orders_text::varchar  as total_orders,
        voucher_amount::double      as voucher_amount
    from assignments
    where not is_kept
    order by source_row
)

select * from final
