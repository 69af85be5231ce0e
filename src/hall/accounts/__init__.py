"""Users, SMS codes, captchas, login, password reset, change of mobile and activation."""
