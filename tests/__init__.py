"""The test suite: unit (pure logic), integration (real servers on loopback, real clients), e2e (whole landscapes).

Nothing outside tests/ may import from here (an import-linter contract says so).
"""
