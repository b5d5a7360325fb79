"""Pod networking without root: loopback addresses for pods and Services, a userspace service proxy, and name
resolution for the workloads the kubelet runs."""
