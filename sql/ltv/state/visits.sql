-- Each customer's distinct compacted site visits, as the fingerprints of their identities (customer, page and
-- time: md5's first 12 bytes, in hex), as ltv-state.ts's visitFingerprint writes them. Reads compacted_events.
select
    customer_id,
    string_agg(distinct md5(customer_id || chr(31) || key || chr(31) || epoch_ms(event_at)::varchar)[1:24], '') as fingerprints
from compacted_events
where type = 'SITE_VISIT'
group by customer_id
