"""The Parquet sink: schema, partitioned dataset writer, run manifests, state."""
