-- rejected_rows: one row per distinct input row that was rejected, and per duplicated row: the rule,
-- how many input rows it stands for, the first source row (1-based row number in the parquet) and
-- the row as it arrived. Reads int_voucher_assignments (a view: querying this re-reads the input).
create or replace view rejected_rows as
with assignments as (
    select * from int_voucher_assignments
),

rejections as (
    select rejection_reason as reason, 1 as input_rows, *
    from assignments
    where not is_kept
    union all by name
    select 'duplicate_row' as reason, copies - 1 as input_rows, *
    from assignments
    where copies > 1
),

final as (
    select
        first_source_row::bigint    as source_row,
        reason::varchar             as reason,
        input_rows::bigint          as input_rows,
        assigned_at_text::varchar   as "timestamp",
        country_text::varchar       as country_code,
        last_order_text::varchar    as last_order_ts,
        first_order_at::timestamptz as first_order_ts,
        total_orders_text::varchar  as total_orders,
        voucher_amount::double      as voucher_amount
    from rejections
    order by source_row, reason
)

select * from final
