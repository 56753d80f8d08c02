package dev.muster.it;

import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;

final class ServiceClients {
    private ServiceClients() {}

    static ProvisioningServiceClient dps() {
        return ProvisioningServiceClient.createFromConnectionString(MusterUnderTest.info().serviceConnectionString());
    }
}
