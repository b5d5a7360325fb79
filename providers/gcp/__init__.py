"""The GCP provider, on google-cloud-compute (REST): Infrastructure (VPC network, subnetworks, firewall rules, Cloud
Router with Cloud NAT) and machines on Compute Engine. See docs/extensions/gcp.md.
"""

from providers.gcp.provider import GCPProvider

__all__ = ["GCPProvider"]
