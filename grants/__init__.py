"""Sub-granting: calls for proposals, applications, review, award, grant agreements and reporting."""
