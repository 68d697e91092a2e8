/**
 * expo-constants as a built app sees it (jest has no native manifest): the app config from
 * app.json in a standalone build, so expo-linking makes `learncraft://…` URLs as on a phone.
 */
import app from '../../../app.json';

export const ExecutionEnvironment = { Bare: 'bare', Standalone: 'standalone', StoreClient: 'storeClient' };

export default { expoConfig: app.expo, executionEnvironment: ExecutionEnvironment.Standalone };
