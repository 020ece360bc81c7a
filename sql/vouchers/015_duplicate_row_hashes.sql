-- duplicate_row_hashes: one row per row hash that two or more input rows share. Only rows whose hash
-- is here can be exact copies of one another; every other row is unique and is never compared by its
-- columns. Reads stg_voucher_assignments (every column).
-- A pass of its own over the input, since no row can be called unique before every row has been
-- seen. The hashes are sorted, so equal ones are neighbours: a sort holds 8 bytes a row and spills to
-- disk past DuckDB's memory limit, and on 51 million rows it took half the time and memory of grouping.
create or replace table duplicate_row_hashes as
with staged as (
    select * from stg_voucher_assignments
),

hashed as (
    select row_hash(assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount) as row_hash
    from staged
),

neighbours as (
    select row_hash, lag(row_hash) over (order by row_hash) as previous_hash
    from hashed
),

final as (
    select distinct row_hash::ubigint as row_hash
    from neighbours
    where row_hash = previous_hash
)

select * from final
