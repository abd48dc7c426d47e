"""Reports for the business owner and the DPO."""
