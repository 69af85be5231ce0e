"""Member companies (系统成员), their certificates and company prefixes, and branch offices."""
