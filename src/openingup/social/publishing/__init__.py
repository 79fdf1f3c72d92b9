"""Publishing: compose once for several channels, approve by a second person, schedule, announce."""
