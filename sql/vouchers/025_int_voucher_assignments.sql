-- int_voucher_assignments: one row per distinct input row (exact duplicates folded together, with
-- `copies` and the first source row), with the outcome of every cleaning rule.
-- Reads int_voucher_assignment_rows, where the rules are. A view for people (rejected_rows and
-- clean_voucher_assignments read it): the refresh itself counts outcomes in 030 without it.
-- duplicate_row: a row equal in every column to an earlier row; only the first copy counts (the
-- other copies - 1 are counted as rejected in 030 and shown in rejected_rows).
create or replace view int_voucher_assignments as
with assignment_rows as not materialized (
    select * from int_voucher_assignment_rows
),

unique_rows as (
    select source_row as first_source_row, 1 as copies, * exclude (source_row, may_have_copies)
    from assignment_rows
    where not may_have_copies
),

-- rows that share a hash are grouped by every column, so two different rows that happen to share
-- a hash are never merged
folded_rows as (
    select min(source_row) as first_source_row, count(*) as copies, * exclude (source_row, may_have_copies)
    from assignment_rows
    where may_have_copies
    group by all
),

final as (
    select
        first_source_row::bigint           as first_source_row,
        copies::bigint                     as copies,
        rejection_reason::varchar          as rejection_reason,
        is_kept::boolean                   as is_kept,
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
    from (
        select * from unique_rows
        union all by name
        select * from folded_rows
    )
)

select * from final
