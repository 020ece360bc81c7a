-- Check: every purchase summary is one the models can read: one row per customer, 0 <= recency <= T, and a
-- recency of 0 without repeat purchases. Returns each offending row.
select customer_id, frequency, recency_days, t_days
from clv_purchase_summary
where frequency < 0
    or recency_days < 0
    or recency_days > t_days
    or (frequency = 0 and recency_days <> 0)
    or customer_id in (select customer_id from clv_purchase_summary group by customer_id having count(*) > 1)
