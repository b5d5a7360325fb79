"""The gardenlet's controllers: shoot, care (health conditions), seed (registration, heartbeat), backup."""
