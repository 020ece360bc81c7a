-- Check: the input has at least one clean row. An empty or wholly rejected input would replace
-- every answer being served with nothing; better to keep serving the previous run and say why.
-- Returns one row when there is no clean row.
select 'no clean rows in the input' as problem, coalesce(sum(input_rows), 0) as rows_read
from voucher_assignment_counts
having coalesce(sum(input_rows) filter (is_kept), 0) = 0
