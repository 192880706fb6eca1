"""What one run of the pipeline carries from stage to stage."""
