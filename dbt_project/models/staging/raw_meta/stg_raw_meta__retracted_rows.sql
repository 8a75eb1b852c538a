-- Raw rows replaced by a later version of their file (dagster_project/loading/loader.py keeps
-- them before deleting). `int_affected__*` models read the keys they carried.
with

source as (

    select * from {{ source('raw_meta', 'retracted_rows') }}

)

select
    source as source_name,
    entity as entity_name,
    batch_id as retracted_by_batch_id,
    source_file,
    record,
    retracted_at
from source
