"""The local provider: machines are simulated nodes on this machine."""
