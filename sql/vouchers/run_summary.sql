-- The voucher feature's figures in the run summary and pipeline_runs (one row): the input read
-- (its path and size, set by the runner as voucher_input_path and voucher_input_bytes), its rows read,
-- kept and rejected, the rows each rule rejected or left out of a segment (data_quality), and the
-- number of answers in segment_vouchers.
select
    getvariable('voucher_input_path')::varchar                                              as input_path,
    getvariable('voucher_input_bytes')::bigint                                              as input_bytes,
    (select coalesce(sum(input_rows), 0) from voucher_assignment_counts)::bigint            as rows_read,
    (select coalesce(sum(input_rows), 0) from voucher_assignment_counts where is_kept)::bigint     as rows_kept,
    (select coalesce(sum(input_rows), 0) from voucher_assignment_counts where not is_kept)::bigint as rows_rejected,
    coalesce((select map(list(rule), list(rows::bigint)) from data_quality where effect = 'rejected'), map())::map(varchar, bigint)   as rejected_by_rule,
    coalesce((select map(list(rule), list(rows::bigint)) from data_quality where effect <> 'rejected'), map())::map(varchar, bigint)  as excluded_by_rule,
    (select count(*) from segment_vouchers)::bigint                                        as segment_vouchers
