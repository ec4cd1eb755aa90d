"""Reports for managers: the satisfaction KPI and usage figures of a period, charts, exports."""
