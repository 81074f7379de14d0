"""Reports for the justice department (司法行政部门): the review work of a period, as an XLSX for 备案."""
