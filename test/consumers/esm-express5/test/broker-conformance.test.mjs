import { createMemoryBroker } from '@agentway/broker';
import { brokerConformance } from '@agentway/broker/conformance';

// The broker contract's own suite, imported through the package's "./conformance" export.
brokerConformance('createMemoryBroker() from the tarball', () => createMemoryBroker());
