-- The customer value model's figures in the run summary and pipeline_runs (one row): the customers valued
-- (customer_clv), whether the models were fitted and why not (clv_model: data that cannot be fitted is recorded
-- there, never a failed run), and the BG/NBD fit's log-likelihood.
select
    (select count(*) from customer_clv)::bigint                     as clv_customers,
    (select any_value(status) from clv_model)::varchar              as clv_status,
    (select any_value(reason) from clv_model)::varchar              as clv_reason,
    (select any_value(bgnbd_log_likelihood) from clv_model)::double as clv_log_likelihood
