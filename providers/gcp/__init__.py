"""The GCP provider, on google-cloud-compute."""
