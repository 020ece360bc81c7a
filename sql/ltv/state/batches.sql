-- The batch files whose events the compacted store holds (all or some of their months). Reads compacted_events.
select distinct batch from compacted_events
