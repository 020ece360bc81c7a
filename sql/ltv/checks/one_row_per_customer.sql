-- Check: customer_ltv holds one row per customer. Returns each customer_id found more than once.
select customer_id, count(*) as rows
from customer_ltv
group by customer_id
having count(*) > 1
