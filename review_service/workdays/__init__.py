"""Chinese working-day calendar (工作日日历): see service.py and README.md."""
