"""Settings package: ``base`` (shared), ``dev``, ``test`` and ``production``, all driven by the environment."""
