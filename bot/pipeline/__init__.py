"""The moderation pipeline: normalise -> classify -> decide -> execute -> record."""
