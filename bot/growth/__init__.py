"""The agency's domain as a plug-in of the engine: projection, parameters, chart, actions."""
