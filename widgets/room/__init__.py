"""The live room: the participant app, the facilitator console and the live dashboard."""
