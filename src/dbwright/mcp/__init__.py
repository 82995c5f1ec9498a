"""The MCP server: dbwright's API as Model Context Protocol tools (see :mod:`dbwright.mcp.server`)."""
