// The place-name page's script (written next).
