-- stg_voucher_assignments: one row per row of the input parquet, typed and renamed. No business rules.
-- Reads raw_voucher_assignments, the view the pipeline runner creates over read_parquet(DATA_PATH).
-- Text that cannot be read becomes null in the parsed columns; the original text is kept beside it
-- so that duplicates are judged on what arrived and rejected rows can be shown as they arrived.
-- Timestamp text without an offset is read as UTC (the runner sets TimeZone = 'UTC').
create or replace view stg_voucher_assignments as
with source as (
    select * from raw_voucher_assignments
),

renamed as (
    select
        file_row_number + 1                          as source_row,
        "timestamp"::varchar                         as assigned_at_text,
        try_cast("timestamp" as timestamptz)         as assigned_at,
        country_code::varchar                        as country_text,
        last_order_ts::varchar                       as last_order_text,
        try_cast(last_order_ts as timestamptz)       as last_order_at,
        try_cast(first_order_ts as timestamptz)      as first_order_at,
        total_orders::varchar                        as total_orders_text,
        try_cast(voucher_amount as double)           as voucher_amount
    from source
),

final as (
    select
        source_row::bigint        as source_row,
        assigned_at_text::varchar as assigned_at_text,
        assigned_at::timestamptz  as assigned_at,
        country_text::varchar     as country_text,
        last_order_text::varchar  as last_order_text,
        last_order_at::timestamptz as last_order_at,
        first_order_at::timestamptz as first_order_at,
        total_orders_text::varchar as total_orders_text,
        voucher_amount::double    as voucher_amount
    from renamed
)

select * from final
