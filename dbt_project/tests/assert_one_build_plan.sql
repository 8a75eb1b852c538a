-- The build plan is one row: two would make every incremental model read two watermarks.
select count(*) as plans
from {{ ref('stg_raw_meta__build_plan') }}
having count(*) <> 1
