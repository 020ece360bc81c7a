-- voucher_sample: a deterministic, realistic stand-in for the production input data.parquet.gzip
-- (historical voucher assignments), in the shape published in shared/docs/voucher-dataset.md.
-- Grain: one row per voucher assigned to a customer, stored as production stores it: text timestamps,
-- '' for an unknown total_orders, null for a missing amount, and 12 exact duplicate rows.
-- Creates the view voucher_sample("timestamp" varchar, country_code varchar, last_order_ts varchar,
-- first_order_ts timestamptz, total_orders varchar, voucher_amount double): a view, so COPY streams its
-- rows to the file and only the narrow sort below is held (spilled to disk past the memory limit).
-- The caller runs SET TimeZone = 'UTC' and SET VARIABLE scale = 1, then this file, then
-- COPY voucher_sample TO '...' (FORMAT parquet, COMPRESSION gzip).
-- Every count below is multiplied by getvariable('scale') and rounded: 1 = 511,427 rows (the published
-- size), 10 and 100 are for benchmarks. Rows are generated set-based from a few hundred blocks.
-- Deterministic: every drawn value is hash(block, seed, salt) arithmetic (no random(), setseed, uuid or
-- now()), and rows come out ordered by hash(row index) so countries interleave. The same scale gives
-- the same rows in the same order whatever the thread count or session time zone.
--
-- Published facts reproduced exactly at scale 1 (scale n multiplies each count by n):
--   rows 511,427: China 169,722, Australia 134,004, Peru 106,547, Latvia 101,154
--   total_orders = '' on 40,914 rows (Peru 8,624): exactly the rows with last_order_ts > timestamp.
--     Peru's are assigned 2016-12 .. 2017-03, every other row is assigned 2020-02 .. 2020-05
--   voucher_amount null 29,567 (Peru 13,950), Peru 2640 x 49,102, 3520 x 22,037, 4400 x 21,458
--   12 exact duplicate rows (2 in Peru), 0 rows with last_order_ts < first_order_ts, no null or empty
--     timestamp, country_code, last_order_ts or first_order_ts
--   Peru: total_orders '0.0' on 9,043 rows, max total_orders 516 (largest elsewhere 512),
--     quartiles 2 / 27 / 52 and mean 44.9 ('' left out), buckets with '' read as 0:
--     0-4 36,199, 5-13 7,011, 14-37 21,930, above 37 41,407
--   Peru gaps from last order to assignment cluster at 30-32 and 90-93 days, 1% at 1-6, none beyond 120
--     (so Peru has no 121-180 or 180+ data), the other countries also have 121-180 and 181+ rows
--   about a fifth of the assignments fall within an hour of UTC midnight (23:00-01:00)
--
-- Answers with the correct rules (most used amount, null amounts rejected, never imputed, a tie goes
-- to the smaller amount, duplicates counted once, days = UTC dates of timestamp minus last_order_ts):
--   country    0-4   5-13  14-37 | 30-60 61-90 91-120 121-180  180+ | whole country
--   China      1760  4400* 4400  | 4400  5720  8800   1760     8800 | 4400   (* 4400 and 5720 tie at 5,800)
--   Australia  8800  11000 13200 | 11000 8800  11000  13200    6600 | 11000
--   Peru       2640  3520  4400  | 2640  4400  3520   -        -    | 2640
--   Latvia     2640  3520  4400  | 4400  3520  2640   4400     1760 | 4400
--
-- Wrong rules and answers each one changes (checked at scale 1 and 10):
--   1 missing amount filled with the country's most used amount: Peru 5-13 3520 -> 2640,
--     14-37 4400 -> 2640, 91-120 3520 -> 2640, China 0-4 1760 -> 4400, Australia 14-37 13200 -> 11000
--   2 total_orders '' read as 0 orders: 0-4 changes in every country: Peru 2640 -> 3520,
--     China 1760 -> 4400, Australia 8800 -> 11000, Latvia 2640 -> 4400
--   3 recency from last_order_ts - first_order_ts: Peru 61-90 4400 -> 2640, 91-120 3520 -> 2640 and
--     121-180 / 180+ get answers, China 61-90 5720 -> 4400, Latvia 91-120 2640 -> 4400, ...
--     recency from now - last_order_ts: every row lands in 180+: China 8800 -> 4400,
--     Australia 6600 -> 11000, Latvia 1760 -> 4400, Peru gets 2640, the other variants empty
--   4 exclusive bounds: Peru 0-4 2640 -> 3520 (drops the 9,043 '0.0' rows), Peru 14-37 4400 -> 2640 and
--     Australia 14-37 13200 -> 11000 (drop 14 and 37), Peru 61-90 4400 -> 2640 (drops day 90)
--   5 date arithmetic in America/Lima: a midnight-UTC last_order_ts is the evening before in Lima, so
--     assignments after 05:00 UTC count one day more (60 -> 61, 90 -> 91, 120 -> 121, 180 -> 181):
--     Peru 61-90 4400 -> 2640, Peru 91-120 3520 -> 4400, Latvia 91-120 2640 -> 4400. Converting only
--     the timestamp to Lima makes assignments before 05:00 UTC one day shorter (30 -> 29, 91 -> 90).
--   6 a tie going to the larger amount: China 5-13 4400 -> 5720
--
-- How it is built: small design tables (amount counts per country and order class, gap shares per
-- country and amount) -> sample_blocks, one run of rows per (country, order class, amount, gap class)
-- -> voucher_sample, where each row draws its exact order count, dates and clock time from hashes.

-- countries, the amounts each one uses (in the order of the count lists below) and how many extra
-- exact copies of existing rows each one holds
create or replace temp table sample_countries as
select * from (values
    (1, 'China',     [1760, 4400, 5720, 8800],   4),
    (2, 'Australia', [6600, 8800, 11000, 13200], 3),
    (3, 'Peru',      [2640, 3520, 4400],         2),
    (4, 'Latvia',    [1760, 2640, 3520, 4400],   3)
) as t(country_id, country_code, amounts, duplicate_copies);

-- rows per (country, order class, amount) at scale 1, one count per amount of sample_countries.amounts,
-- then one for the missing amount (null). order classes: blank = total_orders '' (assigned before the
-- last order), z = 0, lo = 1-3, b4 = 4, b5 = 5, mid = 6-12, b13 = 13, b14 = 14, hi = 15-36, b37 = 37,
-- top = 38 and more. The Peru rows give its published totals per amount, per bucket, for '' and '0.0'.
-- Designed so that wrong rules change answers: blank rows lean to another amount than 0-4's favourite
-- ('' as 0), z and lo lean to different amounts in Peru (exclusive bounds drop z and b4), b14 and b37
-- lean to 4400 in Peru and 13200 in Australia (exclusive bounds), 5-13 and 14-37 in Peru, 0-4 in China
-- and 14-37 in Australia have a runner-up equal to the country's favourite within fewer rows than
-- their missing amounts (imputation), China 5-13 is an exact tie between 4400 and 5720.
create or replace temp table sample_order_cells as
select * from (values
    ('China',     'blank', [ 1500,  6000,  3000,  1536,  1500]),
    ('China',     'z',     [ 3500,  2000,  1200,   800,   500]),
    ('China',     'lo',    [ 7000,  6500,  3500,  1800,  1200]),
    ('China',     'b4',    [  800,  1200,   500,   300,   200]),
    ('China',     'b5',    [  300,   600,   800,   200,   100]),
    ('China',     'mid',   [ 2000,  4700,  4500,  1800,  1000]),
    ('China',     'b13',   [  200,   500,   500,   200,   100]),
    ('China',     'b14',   [  300,  1000,   600,   400,   200]),
    ('China',     'hi',    [ 4000, 11000,  8000,  5500,  1500]),
    ('China',     'b37',   [  200,   700,   500,   450,   150]),
    ('China',     'top',   [ 8000, 24000, 18000, 21636,  1550]),
    ('Australia', 'blank', [ 1000,  2000,  5500,  1487,   700]),
    ('Australia', 'z',     [  800,  2600,  1800,   500,   300]),
    ('Australia', 'lo',    [ 2000,  5500,  5000,  1800,   700]),
    ('Australia', 'b4',    [  300,   700,   600,   300,   100]),
    ('Australia', 'b5',    [  200,   300,   600,   300,   100]),
    ('Australia', 'mid',   [ 1500,  2500,  3800,  1700,   500]),
    ('Australia', 'b13',   [  100,   200,   400,   250,    50]),
    ('Australia', 'b14',   [  100,   300,   300,  1200,   100]),
    ('Australia', 'hi',    [ 2000,  4500,  8300,  8000,  1200]),
    ('Australia', 'b37',   [  100,   200,   200,   900,   100]),
    ('Australia', 'top',   [ 6000, 14000, 27000, 12550,   767]),
    ('Peru',      'blank', [  500,  6000,  1000,  1124]),
    ('Peru',      'z',     [ 6500,  1000,   800,   743]),
    ('Peru',      'lo',    [ 5300,  6300,  2600,  2832]),
    ('Peru',      'b4',    [  600,   400,   300,   200]),
    ('Peru',      'b5',    [  250,   250,   100,   100]),
    ('Peru',      'mid',   [ 1950,  2150,   800,   811]),
    ('Peru',      'b13',   [  200,   200,   100,   100]),
    ('Peru',      'b14',   [  150,   100,   900,    50]),
    ('Peru',      'hi',    [ 6750,  4850,  6000,  2330]),
    ('Peru',      'b37',   [  100,    50,   600,    50]),
    ('Peru',      'top',   [26802,   737,  8258,  5610]),
    ('Latvia',    'blank', [  500,  1000,  1500,  4567,   500]),
    ('Latvia',    'z',     [  600,  2200,   800,  1200,   200]),
    ('Latvia',    'lo',    [ 1500,  4000,  2500,  3600,   400]),
    ('Latvia',    'b4',    [  200,   500,   300,   400,   100]),
    ('Latvia',    'b5',    [  100,   200,   400,   250,    50]),
    ('Latvia',    'mid',   [  700,  1300,  2600,  2100,   300]),
    ('Latvia',    'b13',   [   80,   150,   300,   220,    50]),
    ('Latvia',    'b14',   [  100,   300,   400,   600,   100]),
    ('Latvia',    'hi',    [ 1500,  3500,  4500,  6700,   800]),
    ('Latvia',    'b37',   [  100,   200,   250,   400,    50]),
    ('Latvia',    'top',   [ 4000, 10000, 11000, 20837,   450])
) as t(country_code, order_class, counts);

-- day gaps between last_order_ts and timestamp, in UTC calendar days, for the rows assigned after
-- their last order
create or replace temp table sample_day_classes as
select * from (values
    ( 1,   1,   6), ( 2,   7,  28), ( 3,  29,  29), ( 4,  30,  30), ( 5,  31,  32),
    ( 6,  33,  59), ( 7,  60,  60), ( 8,  61,  89), ( 9,  90,  90), (10,  91,  93),
    (11,  94, 119), (12, 120, 120), (13, 121, 179), (14, 180, 180), (15, 181, 720)
) as t(day_class, min_days, max_days);

-- per mille of a (country, amount)'s rows in each day class above, amount null = the missing amount.
-- Each amount leans to its own gaps so each recency variant has its own favourite, Peru's 4400 leans to
-- exactly 90 days (61-90 then hinges on day 90: exclusive bounds and Lima arithmetic both move it)
-- Peru's 3520 leads 91-120 just ahead of 4400, with 2640 close enough for imputation to overtake.
create or replace temp table sample_day_weights as
select * from (values
    ('China',     1760,  [10, 20, 10,  60, 250, 30, 10, 30,  20, 150, 20, 10, 250, 40,  90]),
    ('China',     4400,  [10, 20, 10,  80, 300, 40, 20, 40,  50, 220, 30, 10,  80, 10,  80]),
    ('China',     5720,  [10, 20, 10,  60, 250, 30, 20, 80, 100, 200, 30, 10,  70, 10, 100]),
    ('China',     8800,  [10, 20, 10,  50, 180, 20, 10, 30,  20, 400, 50, 10,  40, 10, 140]),
    ('China',     null,  [10, 20, 10,  80, 300, 40, 20, 40,  50, 220, 30, 10,  80, 10,  80]),
    ('Australia', 6600,  [10, 10, 10,  50, 200, 20, 10, 20,  20, 150, 20, 10, 100, 20, 350]),
    ('Australia', 8800,  [10, 20, 10,  80, 280, 30, 30, 70,  90, 180, 20, 10,  70, 10,  90]),
    ('Australia', 11000, [10, 20, 10,  80, 300, 40, 20, 40,  50, 220, 30, 10,  80, 10,  80]),
    ('Australia', 13200, [10, 20, 10,  70, 270, 30, 20, 40,  40, 200, 30, 10, 180, 20,  50]),
    ('Australia', null,  [10, 20, 10,  80, 300, 40, 20, 40,  50, 220, 30, 10,  80, 10,  80]),
    ('Peru',      2640,  [10,  5,  0, 120, 660, 15, 15, 20,  15, 130, 10,  0,   0,  0,   0]),
    ('Peru',      3520,  [10,  5,  0,  50, 250, 10,  5, 10,  50, 600, 10,  0,   0,  0,   0]),
    ('Peru',      4400,  [10,  5,  0,  50, 200, 10,  5, 10, 250, 450, 10,  0,   0,  0,   0]),
    ('Peru',      null,  [10,  5,  0, 100, 400, 10,  5, 10, 100, 350, 10,  0,   0,  0,   0]),
    ('Latvia',    1760,  [10, 10, 10,  40, 180, 20, 10, 20,  20, 120, 20, 10, 100, 30, 400]),
    ('Latvia',    2640,  [10, 20, 10,  50, 180, 20, 10, 30,  20, 400, 50, 10,  40, 10, 140]),
    ('Latvia',    3520,  [10, 20, 10,  60, 250, 30, 20, 80, 100, 200, 30, 10,  70, 10, 100]),
    ('Latvia',    4400,  [10, 20, 10,  80, 300, 40, 20, 40,  50, 220, 30, 10,  80, 10,  80]),
    ('Latvia',    null,  [10, 20, 10,  80, 300, 40, 20, 40,  50, 220, 30, 10,  80, 10,  80])
) as t(country_code, voucher_amount, per_mille);

-- one block per (country, order class, amount, day class): a run of rows that share those four
-- and differ only in what the hashes of their index draw. counts scale with getvariable('scale').
create or replace temp table sample_blocks as
with amount_cells as (
    select
        c.country_id,
        c.country_code,
        c.duplicate_copies,
        o.order_class,
        s.slot,
        c.amounts[s.slot]                                              as voucher_amount,
        round(o.counts[s.slot] * getvariable('scale'))::bigint         as cell_rows
    from sample_order_cells o
    join sample_countries c using (country_code)
    cross join lateral (select unnest(range(1, len(o.counts) + 1)) as slot) s
),

day_shares as (
    select
        country_code,
        voucher_amount,
        d.day_class,
        sum(w.per_mille[d.day_class]) over (
            partition by country_code, voucher_amount order by d.day_class
        )::bigint as per_mille_through
    from sample_day_weights w
    cross join sample_day_classes d
),

assigned_after_last_order as (
    select
        a.country_id, a.country_code, a.duplicate_copies, a.order_class, a.slot, a.voucher_amount,
        d.day_class,
        ((a.cell_rows * d.per_mille_through + 500) // 1000
            - (a.cell_rows * (d.per_mille_through - w.per_mille[d.day_class]) + 500) // 1000)::bigint as block_rows
    from amount_cells a
    join day_shares d
        on d.country_code = a.country_code
        and d.voucher_amount is not distinct from a.voucher_amount
    join sample_day_weights w
        on w.country_code = a.country_code
        and w.voucher_amount is not distinct from a.voucher_amount
    where a.order_class <> 'blank'
),

assigned_before_last_order as (
    select country_id, country_code, duplicate_copies, order_class, slot, voucher_amount,
        0 as day_class, cell_rows as block_rows
    from amount_cells
    where order_class = 'blank'
),

all_blocks as (
    select * from assigned_after_last_order
    union all
    select * from assigned_before_last_order
),

numbered as (
    select
        *,
        row_number() over (order by country_id, order_class, slot, day_class) as block_id
    from all_blocks
    where block_rows > 0
)

select
    block_id,
    country_id,
    country_code,
    order_class,
    voucher_amount,
    day_class,
    d.min_days,
    d.max_days,
    block_rows,
    (sum(block_rows) over (order by block_id) - block_rows)::bigint as first_row_index,
    -- the copies of exact duplicates live in the first amount's 'top' rows at 31-32 days
    case when order_class = 'top' and slot = 1 and day_class = 5
        then round(duplicate_copies * getvariable('scale'))::bigint else 0 end as duplicate_pairs,
    -- Peru's single largest total_orders (516) is the last row of the same block
    (country_code = 'Peru' and order_class = 'top' and slot = 1 and day_class = 5) as holds_max_orders
from numbered
left join sample_day_classes d using (day_class);

create or replace view voucher_sample as
with block_rows as (
    select
        b.*,
        unnest(range(b.block_rows)) as row_in_block
    from sample_blocks b
),

seeded as (
    select
        *,
        first_row_index + row_in_block as row_index,
        -- a duplicate copies the row just before it: same seed, so every drawn value is the same
        case when row_in_block % 2 = 1 and row_in_block < 2 * duplicate_pairs
            then row_in_block - 1 else row_in_block end as seed
    from block_rows
),

uniform_draws as (
    -- independent uniform numbers in [0, 1) per row, from the hash of its block and seed
    select
        *,
        (hash(block_id, seed, 'orders') >> 11) / 9007199254740992.0 as u_orders,
        (hash(block_id, seed, 'days') >> 11) / 9007199254740992.0   as u_days,
        (hash(block_id, seed, 'date') >> 11) / 9007199254740992.0   as u_date,
        (hash(block_id, seed, 'clock') >> 11) / 9007199254740992.0  as u_clock,
        (hash(block_id, seed, 'span') >> 11) / 9007199254740992.0   as u_span,
        (hash(block_id, seed, 'first') >> 11) / 9007199254740992.0  as u_first
    from seeded
),

orders_and_gaps as (
    select
        row_index,
        country_id,
        voucher_amount,
        u_date,
        u_clock,
        u_span,
        u_first,
        case order_class
            when 'blank' then null
            when 'z'   then 0
            when 'lo'  then case when u_orders < 0.45 then 1 when u_orders < 0.97 then 2 else 3 end
            when 'b4'  then 4
            when 'b5'  then 5
            when 'mid' then 6 + floor(u_orders * 7)
            when 'b13' then 13
            when 'b14' then 14
            when 'hi'  then case
                when u_orders < 0.60 then 15 + floor(u_orders / 0.60 * 12)
                when u_orders < 0.72 then 27
                else 28 + floor((u_orders - 0.72) / 0.28 * 9) end
            when 'b37' then 37
            when 'top' then case
                when holds_max_orders and seed = block_rows - 1 then 516
                when u_orders < 0.36 then 38 + floor(u_orders / 0.36 * 14)
                when u_orders < 0.46 then 52
                else 53 + floor(460 * pow((u_orders - 0.46) / 0.54, 5)) end
        end::integer as total_orders_number,
        case
            -- assigned in 2016-12 .. 2017-03 and the last order placed later: last_order_ts > timestamp
            when order_class = 'blank' then -(1 + floor(pow(u_days, 1.3) * 1150))
            -- beyond 180 days the draw thins out towards the long end
            when max_days > 180 then min_days + floor((max_days - min_days + 1) * u_days * u_days)
            else min_days + floor((max_days - min_days + 1) * u_days)
        end::integer as days_since_last_order
    from uniform_draws
),

dated as (
    select
        row_index,
        country_id,
        voucher_amount,
        total_orders_number,
        case when total_orders_number is null
            then date '2016-12-01' + floor(u_date * 121)::integer
            else date '2020-02-01' + floor(u_date * 121)::integer
        end as assigned_date,
        -- time of day in microseconds: 15% drawn within an hour of UTC midnight, the rest over the day
        case
            when u_clock < 0.08 then 82800000000 + floor(u_clock / 0.08 * 3600000000)
            when u_clock < 0.15 then floor((u_clock - 0.08) / 0.07 * 3600000000)
            else floor((u_clock - 0.15) / 0.85 * 86400000000)
        end::bigint as clock_micros,
        days_since_last_order,
        -- days from the first to the last order grow with the number of orders
        case when total_orders_number is null then floor(u_span * 900)
            else least(2600, floor(total_orders_number * (1.5 + 9 * u_span))) + floor(u_first * 45)
        end::integer as days_first_to_last_order
    from orders_and_gaps
),

shuffled as (
    -- only narrow numeric columns go through the sort: text is formatted afterwards
    select
        country_id,
        assigned_date::timestamp + to_microseconds(clock_micros)       as assigned_at,
        assigned_date - days_since_last_order                         as last_order_date,
        assigned_date - days_since_last_order - days_first_to_last_order as first_order_date,
        total_orders_number,
        voucher_amount
    from dated
    order by hash(row_index, 'row order'), row_index
),

formatted as (
    select
        strftime(assigned_at, '%Y-%m-%d %H:%M:%S.%f') || '+00:00'           as "timestamp",
        -- indexed by country_id, in the order of sample_countries
        ['China', 'Australia', 'Peru', 'Latvia'][country_id]              as country_code,
        -- a date's text is YYYY-MM-DD, as strftime would write it, in a third of the time
        last_order_date::varchar || ' 00:00:00+00:00'                     as last_order_ts,
        make_timestamptz(epoch_us(first_order_date::timestamp))          as first_order_ts,
        coalesce(total_orders_number::varchar || '.0', '')                 as total_orders,
        voucher_amount
    from shuffled
)

select
    "timestamp"::varchar        as "timestamp",
    country_code::varchar       as country_code,
    last_order_ts::varchar      as last_order_ts,
    first_order_ts::timestamptz as first_order_ts,
    total_orders::varchar       as total_orders,
    voucher_amount::double      as voucher_amount
from formatted;
