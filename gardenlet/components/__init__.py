"""Control-plane components: each has deploy / destroy / wait / wait_cleanup and sees only typed values."""
